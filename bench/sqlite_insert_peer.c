/* The strong peer of bench/store_import.py: the C limit of putting the benchmark's responses
 * into a libaudit store's responses table with SQLite alone. No validation, no trail.
 *
 *   gcc -O2 -o peer bench/sqlite_insert_peer.c -lsqlite3
 *   peer DB CYCLE DEPARTMENTS ITEMS
 *
 * DB is a store prepared by the bench (its schema, 課 K00000…, a cycle with a checklist). The
 * program reads the 課 ids and item ids and then, timed, writes every row (課 × item) in the
 * table's primary-key order (department id, item_id): one BEGIN IMMEDIATE, a prepared
 * 128-row multi-VALUES INSERT bound row by row (the remainder through a 1-row INSERT), COMMIT.
 * The connection has the store's settings (journal_mode WAL, synchronous FULL, cache_size -65536,
 * temp_store MEMORY) with foreign keys off, as the store's import has them.
 *
 * Prints one line: "rows SECONDS" (rows inserted, wall-clock seconds of the transaction).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MULTI 128

static const char* const kAnswers[] = {"implemented", "partial", "not_implemented", "not_applicable", "unknown"};

static void die(sqlite3* db, const char* what) {
  fprintf(stderr, "sqlite_insert_peer: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  exit(1);
}

static void exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) die(db, sql);
}

static sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = NULL;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) die(db, sql);
  return s;
}

static char* insert_sql(int rows) {
  const char* head =
      "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) VALUES ";
  const char* one = "(?,?,?,?,?,?,?,?)";
  char* sql = malloc(strlen(head) + (size_t)rows * (strlen(one) + 1) + 1);
  strcpy(sql, head);
  for (int k = 0; k < rows; ++k) {
    if (k) strcat(sql, ",");
    strcat(sql, one);
  }
  return sql;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void bind_row(sqlite3_stmt* s, int p, long long cycle, long long dept, const char* item, const char* answer) {
  sqlite3_bind_int64(s, p + 1, cycle);
  sqlite3_bind_int64(s, p + 2, dept);
  sqlite3_bind_text(s, p + 3, item, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, p + 4, answer, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, p + 5, "", 0, SQLITE_STATIC);
  sqlite3_bind_text(s, p + 6, "", 0, SQLITE_STATIC);
  sqlite3_bind_text(s, p + 7, "bench", 5, SQLITE_STATIC);
  sqlite3_bind_text(s, p + 8, "2024-06-01T00:00:00.000000Z", 27, SQLITE_STATIC);
}

static void run(sqlite3_stmt* s, sqlite3* db) {
  if (sqlite3_step(s) != SQLITE_DONE) die(db, "insert");
  sqlite3_reset(s);
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: sqlite_insert_peer DB CYCLE DEPARTMENTS ITEMS\n");
    return 2;
  }
  const long long cycle = atoll(argv[2]);
  const int n_depts = atoi(argv[3]), n_items = atoi(argv[4]);
  sqlite3* db = NULL;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) die(db, argv[1]);
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "PRAGMA synchronous = FULL");
  exec(db, "PRAGMA cache_size = -65536");
  exec(db, "PRAGMA temp_store = MEMORY");
  exec(db, "PRAGMA foreign_keys = OFF");

  /* The 課 (K…, ordered by row id) and the cycle's items (ordered by item_id, as the key). */
  long long* depts = malloc(sizeof *depts * (size_t)n_depts);
  int nd = 0;
  sqlite3_stmt* s = prepare(db, "SELECT id FROM departments WHERE code LIKE 'K%' ORDER BY id");
  while (sqlite3_step(s) == SQLITE_ROW && nd < n_depts) depts[nd++] = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  char** items = malloc(sizeof *items * (size_t)n_items);
  int ni = 0;
  s = prepare(db,
              "SELECT item_id FROM items WHERE checklist = (SELECT checklist FROM cycles WHERE id = ?) "
              "ORDER BY item_id");
  sqlite3_bind_int64(s, 1, cycle);
  while (sqlite3_step(s) == SQLITE_ROW && ni < n_items) items[ni++] = strdup((const char*)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  if (nd != n_depts || ni != n_items) {
    fprintf(stderr, "sqlite_insert_peer: the store has %d 課 and %d items, not %d and %d\n", nd, ni, n_depts, n_items);
    return 1;
  }

  char* sql = insert_sql(MULTI);
  sqlite3_stmt* multi = prepare(db, sql);
  sqlite3_stmt* single = prepare(db, insert_sql(1));
  const long long total = (long long)nd * ni;
  const double t0 = now();
  exec(db, "BEGIN IMMEDIATE");
  long long k = 0;
  for (; k + MULTI <= total; k += MULTI) {
    for (int r = 0; r < MULTI; ++r) {
      const int d = (int)((k + r) / ni), i = (int)((k + r) % ni);
      bind_row(multi, 8 * r, cycle, depts[d], items[i], kAnswers[(d + i) % 5]);
    }
    run(multi, db);
  }
  for (; k < total; ++k) { /* the last rows, fewer than MULTI */
    const int d = (int)(k / ni), i = (int)(k % ni);
    bind_row(single, 0, cycle, depts[d], items[i], kAnswers[(d + i) % 5]);
    run(single, db);
  }
  exec(db, "COMMIT");
  const double t1 = now();
  s = prepare(db, "SELECT count(*) FROM responses WHERE cycle = ?");
  sqlite3_bind_int64(s, 1, cycle);
  if (sqlite3_step(s) != SQLITE_ROW) die(db, "count");
  printf("%lld %.6f\n", (long long)sqlite3_column_int64(s, 0), t1 - t0);
  sqlite3_finalize(s);
  sqlite3_finalize(multi);
  sqlite3_finalize(single);
  sqlite3_close(db);
  return 0;
}
