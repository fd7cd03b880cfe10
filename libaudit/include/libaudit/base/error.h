// Errors thrown by libaudit. Every public function either succeeds or throws one of these
// and leaves its inputs (and any store) unchanged. The Python bindings map each class to a
// Python exception in one place (bindings/src/errors.cpp).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace libaudit {

// Where and what: one problem in an input. Lines and columns are 1-based; columns count
// Unicode characters, not bytes. A problem with the file as a whole is reported at 1:1.
struct Diagnostic {
  std::string file;
  int line = 1;
  int column = 1;
  std::string message;

  // "file:line:column: message", the form editors and compilers use; the message alone when
  // file is empty (a problem that is in no file).
  std::string to_string() const;
};

// Base of every libaudit error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An input that is not valid, with every problem found (never just the first).
class ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A checklist file or text that does not load.
class ChecklistError : public ValidationError {
 public:
  using ValidationError::ValidationError;
};

// A lookup by id that names nothing.
class NotFoundError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read.
class IoError : public Error {
 public:
  using Error::Error;
};

// The store's database itself: cannot be opened or written, is not a libaudit database, or
// stayed locked by another writer past the busy timeout.
class StoreError : public Error {
 public:
  using Error::Error;
};

// A database written by a newer libaudit (its schema version is higher than this one knows).
class SchemaVersionError : public StoreError {
 public:
  using StoreError::StoreError;
};

// An import refused as a whole: one diagnostic per bad row (file, line, reason).
class ImportValidationError : public ValidationError {
 public:
  using ValidationError::ValidationError;
};

// A write that the cycle's status forbids: a closed cycle refuses every change, a planned one
// takes no responses yet, and status only moves planned -> open -> closed.
class CycleStateError : public Error {
 public:
  using Error::Error;
};

}  // namespace libaudit
