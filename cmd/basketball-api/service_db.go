package main

import (
	"context"
	"log/slog"

	"basketball/sqldb"
)

// openServiceDB opens the service's database. The store logs through the
// service's logger (the one ERROR line if its SQLite file is deleted,
// replaced or made read-only while serving), and a new SQLite file is
// announced at WARN with its path: an empty database where one was
// expected is a mistyped path or a lost file, and paid registrations would
// seem to have vanished.
func openServiceDB(ctx context.Context, dbURL string, logger *slog.Logger) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, dbURL, sqldb.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	if db.Created() {
		logger.Warn("created a new, empty SQLite database file", "path", sqldb.SQLitePath(dbURL))
	}
	return db, nil
}
