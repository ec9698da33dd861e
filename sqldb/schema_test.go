package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"basketball"
	"basketball/sqldb"
	"basketball/sqldb/sqldbtest"
)

// TestMigrationsDefineTheSameSchema migrates both engines and compares what
// their migrations define: tables, columns with nullability and primary
// keys, unique and plain indexes, foreign keys and the number of CHECK
// constraints per table. The two migration folders are written by hand;
// this keeps them equal.
func TestMigrationsDefineTheSameSchema(t *testing.T) {
	if !slices.Contains(sqldbtest.Engines(), sqldb.Postgres) {
		t.Skip("needs TEST_DATABASE_URL (CI always sets it)")
	}
	t.Parallel()
	lite := describeSQLite(t, sqldbtest.Open(t, sqldb.SQLite, nil))
	pg := describePostgres(t, sqldbtest.Open(t, sqldb.Postgres, nil))
	if len(lite) < 20 {
		t.Fatalf("the SQLite schema description is suspiciously short: %v", lite)
	}
	for _, l := range diff(lite, pg) {
		t.Errorf("only in SQLite:     %s", l)
	}
	for _, l := range diff(pg, lite) {
		t.Errorf("only in PostgreSQL: %s", l)
	}
}

// TestStatusChecksMatchTheStateMachine holds both migrations' CHECK lists
// of registration statuses to the domain's state machine.
func TestStatusChecksMatchTheStateMachine(t *testing.T) {
	sqldbtest.ForEachEngine(t, func(t *testing.T, engine string) {
		db := sqldbtest.Open(t, engine, nil)
		var checks []string
		if engine == sqldb.SQLite {
			var ddl string
			if err := db.SQL().QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'registrations'`).Scan(&ddl); err != nil {
				t.Fatal(err)
			}
			checks = []string{ddl}
		} else {
			checks = queryStrings(t, db.SQL(), `SELECT pg_get_constraintdef(oid) FROM pg_constraint
				WHERE conrelid = 'registrations'::regclass AND contype = 'c'`)
		}
		re := regexp.MustCompile(`status\)?\s*(?:IN \(|= ANY \(\(?ARRAY\[)([^\])]*)`)
		var found []string
		for _, c := range checks {
			if m := re.FindStringSubmatch(c); m != nil {
				for _, v := range strings.Split(m[1], ",") {
					v = strings.TrimSpace(v)
					v = strings.TrimSuffix(v, "::text")
					found = append(found, strings.Trim(v, "'"))
				}
			}
		}
		if !slices.Equal(found, basketball.Statuses) {
			t.Fatalf("the CHECK on registrations.status lists %v; the state machine has %v", found, basketball.Statuses)
		}
	})
}

// ignoredTable: goose's and River's own tables, and SQLite's.
func ignoredTable(name string) bool {
	return name == "goose_db_version" || strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "sqlite_")
}

func describeSQLite(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	q := db.SQL()
	var out []string
	for _, table := range queryStrings(t, q, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`) {
		if ignoredTable(table) {
			continue
		}
		out = append(out, "table "+table)
		rows, err := q.Query(`SELECT name, "notnull", pk FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			var notNull, pk int
			if err := rows.Scan(&name, &notNull, &pk); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("column %s.%s not_null=%v pk=%v", table, name, notNull == 1 || pk > 0, pk > 0))
		}
		rows.Close()
		for _, idx := range queryStrings(t, q, `SELECT name FROM pragma_index_list(?) WHERE origin <> 'pk'`, table) {
			var unique int
			if err := q.QueryRow(`SELECT "unique" FROM pragma_index_list(?) WHERE name = ?`, table, idx).Scan(&unique); err != nil {
				t.Fatal(err)
			}
			cols := queryStrings(t, q, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, idx)
			out = append(out, indexLine(table, cols, unique == 1))
		}
		rows, err = q.Query(`SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var from, other, to string
			if err := rows.Scan(&from, &other, &to); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("foreign key %s.%s -> %s.%s", table, from, other, to))
		}
		rows.Close()
		var ddl string
		if err := q.QueryRow(`SELECT sql FROM sqlite_master WHERE name = ?`, table).Scan(&ddl); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("checks on %s: %d", table, strings.Count(strings.ToUpper(ddl), "CHECK (")))
	}
	sort.Strings(out)
	return out
}

func describePostgres(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	q := db.SQL()
	var out []string
	for _, table := range queryStrings(t, q, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`) {
		if ignoredTable(table) {
			continue
		}
		out = append(out, "table "+table)
		pk := queryStrings(t, q, `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
			WHERE i.indrelid = $1::regclass AND i.indisprimary`, table)
		rows, err := q.Query(`SELECT column_name, is_nullable FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, nullable string
			if err := rows.Scan(&name, &nullable); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("column %s.%s not_null=%v pk=%v", table, name, nullable == "NO", slices.Contains(pk, name)))
		}
		rows.Close()
		rows, err = q.Query(`SELECT i.indexrelid::regclass::text, i.indisunique FROM pg_index i
			WHERE i.indrelid = $1::regclass AND NOT i.indisprimary`, table)
		if err != nil {
			t.Fatal(err)
		}
		type index struct {
			name   string
			unique bool
		}
		var idxs []index
		for rows.Next() {
			var ix index
			if err := rows.Scan(&ix.name, &ix.unique); err != nil {
				t.Fatal(err)
			}
			idxs = append(idxs, ix)
		}
		rows.Close()
		for _, ix := range idxs {
			cols := queryStrings(t, q, `SELECT a.attname FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attnum = k.attnum WHERE i.indexrelid = $1::regclass AND a.attrelid = i.indrelid ORDER BY k.n`, ix.name)
			out = append(out, indexLine(table, cols, ix.unique))
		}
		rows, err = q.Query(`SELECT kcu.column_name, ccu.table_name, ccu.column_name
			FROM information_schema.table_constraints tc
			JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
			JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
			WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = $1 AND tc.table_schema = current_schema()`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var from, other, to string
			if err := rows.Scan(&from, &other, &to); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("foreign key %s.%s -> %s.%s", table, from, other, to))
		}
		rows.Close()
		var checks int
		if err := q.QueryRow(`SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`, table).Scan(&checks); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("checks on %s: %d", table, checks))
	}
	sort.Strings(out)
	return out
}

func indexLine(table string, cols []string, unique bool) string {
	kind := "index"
	if unique {
		kind = "unique index"
	}
	return fmt.Sprintf("%s on %s (%s)", kind, table, strings.Join(cols, ", "))
}

func queryStrings(t *testing.T, q *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// diff returns the lines of a that b lacks.
func diff(a, b []string) []string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return out
}
