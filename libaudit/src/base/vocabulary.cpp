#include "libaudit/base/vocabulary.h"

#include <array>

namespace libaudit {
namespace {

constexpr Term kAnswers[] = {
    {"implemented", "実施している"},  {"partial", "一部実施している"}, {"not_implemented", "実施していない"},
    {"not_applicable", "該当しない"}, {"unknown", "わからない"},
};

constexpr Term kCycleKinds[] = {
    {"self_inspection", "自己点検"},
    {"internal_audit", "内部監査"},
    {"external_audit", "外部監査"},
};

constexpr Term kCycleStatuses[] = {
    {"planned", "計画中"},
    {"open", "実施中"},
    {"closed", "終了"},
};

// 回収状況 of a 課's questionnaire (libaudit/exchange/collection.h, Collection).
constexpr Term kCollectionStatuses[] = {
    {"not_sent", "未配布"},
    {"sent", "配布済・未回収"},
    {"returned", "回収済"},
    {"returned_late", "回収済（期限後）"},
    {"overdue", "未回収（期限超過）"},
};

// How far a 課 is with its questionnaire (libaudit/exchange/collection.h, CollectionRow::progress).
constexpr Term kAnswerProgress[] = {
    {"not_started", "未着手"},
    {"in_progress", "回答中"},
    {"submitted", "提出済"},
};

// Evidence files (libaudit/store/evidence.h, EvidenceStatus).
constexpr Term kEvidenceStatuses[] = {
    {"active", "有効"},
    {"withdrawn", "取下げ"},
    {"purged", "消去済み"},
};

constexpr Term kSeverities[] = {
    {"major_nonconformity", "重大な不適合"},
    {"minor_nonconformity", "軽微な不適合"},
    {"observation", "観察事項"},
    {"recommendation", "推奨事項"},
};

constexpr Term kFindingStates[] = {
    {"draft", "未確定"},
    {"open", "未対応"},
    {"plan_submitted", "改善計画提出済"},
    {"in_remediation", "改善中"},
    {"remediation_reported", "改善報告済"},
    {"verified", "確認済(完了)"},
    {"risk_accepted", "リスク受容"},
    {"discarded", "取消"},
};

constexpr Term kExceptionStatuses[] = {
    {"requested", "申請中"},          {"approved", "承認"}, {"rejected", "却下"}, {"taken", "緊急実施(未報告)"},
    {"reported", "緊急実施(報告済)"},
};

constexpr Term kCheckAnswers[] = {
    {"checked_no_issue", "問題なし"},
    {"same_issue_found", "同様の問題あり"},
};

constexpr Term kRoles[] = {
    {"ciso", "最高情報セキュリティ責任者"},
    {"chief_security_officer", "統括情報セキュリティ責任者"},
    {"security_officer", "情報セキュリティ責任者"},
    {"security_manager", "情報セキュリティ管理者"},
    {"system_administrator", "情報システム管理者"},
    {"system_staff", "情報システム担当者"},
    {"staff", "職員等"},
    {"contractor", "委託事業者等"},
    {"csirt", "CSIRT"},
    {"security_committee", "情報セキュリティ委員会"},
    {"chief_auditor", "監査統括責任者"},
    {"auditor", "監査人"},
    {"auditee", "被監査部門"},
};

constexpr Term kTiers[] = {
    {"mynumber", "マイナンバー利用事務系"},
    {"lgwan", "LGWAN接続系"},
    {"internet", "インターネット接続系"},
};

// Who answers an item (DOMAIN.md, "Who answers an item"): every target 課, or the body once.
constexpr Term kRespondents[] = {
    {"department", "各課"},
    {"body", "全庁共通事項"},
};

// The network models of the guideline's 強靱性 chapter (DOMAIN.md, "The national model").
constexpr Term kNetworkModels[] = {
    {"alpha", "αモデル"},
    {"alpha_prime", "α′モデル"},
    {"beta", "βモデル"},
    {"beta_prime", "β′モデル"},
};

// Kinds of body (団体) a profile names.
constexpr Term kBodyKinds[] = {
    {"prefecture", "都道府県"}, {"city", "市"},      {"special_ward", "特別区"},      {"town", "町"},
    {"village", "村"},          {"council", "議会"}, {"association", "一部事務組合"},
};

// The audit stage (libaudit/audit/plan.h, workpapers.h; docs/audit.md).
constexpr Term kPlanStates[] = {
    {"proposed", "提案中"},
    {"approved", "承認済"},
};

constexpr Term kPlanReasons[] = {
    {"rotation_due", "監査周期の到来"},
    {"never_audited", "監査実績なし"},
    {"last_audited", "前回の監査年度"},
    {"low_rate", "自己点検の実施率が低い"},
    {"overdue_findings", "期限を超過した指摘事項"},
    {"open_findings", "未完了の指摘事項"},
    {"mynumber", "マイナンバー利用事務系のシステム"},
    {"important_assets", "重要な情報資産を持つシステム"},
};

constexpr Term kPlanSelections[] = {
    {"rotation", "輪番"},
    {"risk", "リスク評価"},
    {"added", "監査チームが追加"},
    {"removed", "監査チームが除外"},
};

constexpr Term kAuditMethods[] = {
    {"document_review", "書類確認"},
    {"interview", "ヒアリング"},
    {"onsite_inspection", "現地確認"},
    {"system_check", "システム確認"},
};

constexpr Term kAuditJudgements[] = {
    {"conforming", "適合"},
    {"nonconforming", "不適合"},
    {"observation", "観察"},
    {"not_applicable", "該当なし"},
};

struct Entry {
  Vocabulary vocabulary;
  std::string_view name;
  std::span<const Term> terms;
};

// Indexed by Vocabulary.
constexpr Entry kVocabularies[] = {
    {Vocabulary::answer, "answer", kAnswers},
    {Vocabulary::cycle_kind, "cycle_kind", kCycleKinds},
    {Vocabulary::cycle_status, "cycle_status", kCycleStatuses},
    {Vocabulary::severity, "severity", kSeverities},
    {Vocabulary::finding_state, "finding_state", kFindingStates},
    {Vocabulary::exception_status, "exception_status", kExceptionStatuses},
    {Vocabulary::check_answer, "check_answer", kCheckAnswers},
    {Vocabulary::role, "role", kRoles},
    {Vocabulary::tier, "tier", kTiers},
    {Vocabulary::collection_status, "collection_status", kCollectionStatuses},
    {Vocabulary::respondent, "respondent", kRespondents},
    {Vocabulary::network_model, "network_model", kNetworkModels},
    {Vocabulary::body_kind, "body_kind", kBodyKinds},
    {Vocabulary::plan_state, "plan_state", kPlanStates},
    {Vocabulary::plan_reason, "plan_reason", kPlanReasons},
    {Vocabulary::plan_selection, "plan_selection", kPlanSelections},
    {Vocabulary::audit_method, "audit_method", kAuditMethods},
    {Vocabulary::audit_judgement, "audit_judgement", kAuditJudgements},
    {Vocabulary::evidence_status, "evidence_status", kEvidenceStatuses},
    {Vocabulary::answer_progress, "answer_progress", kAnswerProgress},
};

constexpr std::array<Vocabulary, std::size(kVocabularies)> kAll = [] {
  std::array<Vocabulary, std::size(kVocabularies)> all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = kVocabularies[i].vocabulary;
  return all;
}();

constexpr bool indexed_by_enum() {
  for (std::size_t i = 0; i < std::size(kVocabularies); ++i)
    if (std::size_t(kVocabularies[i].vocabulary) != i) return false;
  return true;
}
static_assert(indexed_by_enum(), "kVocabularies must be in the order of enum Vocabulary");

const Entry& entry(Vocabulary v) noexcept {
  const auto i = std::size_t(v);
  return kVocabularies[i < std::size(kVocabularies) ? i : 0];
}

const Term* find(Vocabulary v, std::string_view id) noexcept {
  for (const Term& t : entry(v).terms)
    if (t.id == id) return &t;
  return nullptr;
}

}  // namespace

std::span<const Vocabulary> vocabularies() noexcept { return kAll; }

std::span<const Term> terms(Vocabulary v) noexcept { return entry(v).terms; }

std::string_view label_of(Vocabulary v, std::string_view id) noexcept {
  const Term* t = find(v, id);
  return t ? t->label : std::string_view{};
}

std::optional<std::string_view> id_of(Vocabulary v, std::string_view id_or_label) noexcept {
  for (const Term& t : entry(v).terms)
    if (t.id == id_or_label || t.label == id_or_label) return t.id;
  return std::nullopt;
}

std::string_view to_string(Vocabulary v) noexcept { return entry(v).name; }

std::optional<Vocabulary> parse_vocabulary(std::string_view name) noexcept {
  for (const Entry& e : kVocabularies)
    if (e.name == name) return e.vocabulary;
  return std::nullopt;
}

std::span<const Term> builtin_roles() noexcept { return kRoles; }
std::span<const Term> tiers() noexcept { return kTiers; }
const Term* find_role(std::string_view id) noexcept { return find(Vocabulary::role, id); }
const Term* find_tier(std::string_view id) noexcept { return find(Vocabulary::tier, id); }

}  // namespace libaudit
