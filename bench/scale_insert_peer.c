/* The import peer of bench/scale.py: the strongest plain-SQLite way to write the same responses.

     cc -O2 -o scale_insert_peer bench/scale_insert_peer.c -lsqlite3
     scale_insert_peer STORE.db ROWS.tsv

   ROWS.tsv holds one row per line, "cycle<TAB>department id<TAB>item id<TAB>answer", already
   sorted by the responses table's primary key (bench/scale.py writes it; ids resolved, so no
   lookup is left to do). The rows are read into memory first (not timed); then, timed: one
   transaction of multi-VALUES INSERTs of 128 rows each through one prepared statement (and one
   for the remainder) into the store's own responses table, with the store's own settings (WAL,
   synchronous=FULL, a 64 MiB cache, temporary data in memory) and foreign keys off. No
   validation, no trail: the limit the store's import is measured against.

   Prints one line of JSON: {"seconds": S, "rows": N, "sqlite": "3.x.y"}. Exits non-zero, with
   the SQLite message on stderr, on any failure. */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 128

typedef struct {
  long long cycle;
  long long department;
  char* item;
  char* answer;
} Row;

static void die(sqlite3* db, const char* what) {
  fprintf(stderr, "scale_insert_peer: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  exit(1);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static Row* read_rows(const char* path, size_t* count) {
  FILE* f = fopen(path, "r");
  if (!f) die(NULL, path);
  size_t cap = 1 << 20, n = 0;
  Row* rows = malloc(cap * sizeof(Row));
  char* line = NULL;
  size_t len = 0;
  while (getline(&line, &len, f) > 0) {
    if (n == cap) rows = realloc(rows, (cap *= 2) * sizeof(Row));
    char* save = NULL;
    char* cycle = strtok_r(line, "\t\n", &save);
    char* dept = strtok_r(NULL, "\t\n", &save);
    char* item = strtok_r(NULL, "\t\n", &save);
    char* answer = strtok_r(NULL, "\t\n", &save);
    if (!cycle || !dept || !item || !answer) die(NULL, "a malformed line in the rows file");
    rows[n].cycle = atoll(cycle);
    rows[n].department = atoll(dept);
    rows[n].item = strdup(item);
    rows[n].answer = strdup(answer);
    n++;
  }
  free(line);
  fclose(f);
  *count = n;
  return rows;
}

static sqlite3_stmt* prepare_insert(sqlite3* db, int rows) {
  const char* head =
      "INSERT INTO responses(cycle, department, item_id, answer, comment, evidence, answered_by, answered_at) VALUES ";
  const char* one = "(?,?,?,?,'','','bench','2025-06-01T00:00:00.000000Z')";
  size_t size = strlen(head) + (size_t)rows * (strlen(one) + 1) + 1;
  char* sql = malloc(size);
  strcpy(sql, head);
  for (int i = 0; i < rows; i++) {
    if (i) strcat(sql, ",");
    strcat(sql, one);
  }
  sqlite3_stmt* stmt = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) die(db, "prepare");
  free(sql);
  return stmt;
}

static void insert(sqlite3* db, sqlite3_stmt* stmt, const Row* rows, int count) {
  for (int i = 0; i < count; i++) {
    sqlite3_bind_int64(stmt, 4 * i + 1, rows[i].cycle);
    sqlite3_bind_int64(stmt, 4 * i + 2, rows[i].department);
    sqlite3_bind_text(stmt, 4 * i + 3, rows[i].item, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4 * i + 4, rows[i].answer, -1, SQLITE_STATIC);
  }
  if (sqlite3_step(stmt) != SQLITE_DONE) die(db, "insert");
  sqlite3_reset(stmt);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: scale_insert_peer STORE.db ROWS.tsv\n");
    return 2;
  }
  size_t n = 0;
  Row* rows = read_rows(argv[2], &n);
  sqlite3* db = NULL;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) die(db, "open");
  const char* setup =
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; "
      "PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;";
  if (sqlite3_exec(db, setup, NULL, NULL, NULL) != SQLITE_OK) die(db, "settings");

  double t0 = now();
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) die(db, "begin");
  sqlite3_stmt* full = prepare_insert(db, BATCH);
  size_t i = 0;
  for (; i + BATCH <= n; i += BATCH) insert(db, full, rows + i, BATCH);
  sqlite3_finalize(full);
  if (i < n) {
    sqlite3_stmt* rest = prepare_insert(db, (int)(n - i));
    insert(db, rest, rows + i, (int)(n - i));
    sqlite3_finalize(rest);
  }
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) die(db, "commit");
  double seconds = now() - t0;

  sqlite3_close(db);
  printf("{\"seconds\": %.6f, \"rows\": %zu, \"sqlite\": \"%s\"}\n", seconds, n, sqlite3_libversion());
  return 0;
}
