package email

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// DirSender writes each message as an .eml file into a directory, for
// development and for deployments without an SMTP server.
type DirSender struct {
	dir string
	now func() time.Time
}

var _ Sender = (*DirSender)(nil)

// NewDirSender returns a sender writing into dir, which it creates if
// missing. now stamps file names and the Date header; nil is time.Now.
func NewDirSender(dir string, now func() time.Time) (*DirSender, error) {
	if dir == "" {
		dir = DefaultMailDir
	}
	if now == nil {
		now = time.Now
	}
	// 0700: a confirmation email can hold a parent's initial password.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("email: create mail directory: %w", err)
	}
	return &DirSender{dir: dir, now: now}, nil
}

// Dir is the directory messages are written to.
func (d *DirSender) Dir() string { return d.dir }

// Send writes m to <dir>/<UTC time>-<random>.eml. The file appears whole or
// not at all: it is written to a temporary name, synced, then renamed, so a
// reader polling the directory never sees half a message.
func (d *DirSender) Send(ctx context.Context, m Message) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.To == "" {
		return errNoRecipient
	}
	now := d.now()
	msg, err := m.toMsg(now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return fmt.Errorf("email: create mail directory: %w", err)
	}

	// The leading dot and the .tmp suffix keep *.eml globs off the file.
	tmp, err := os.CreateTemp(d.dir, ".msg-*.tmp")
	if err != nil {
		return fmt.Errorf("email: create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = msg.WriteTo(tmp); err != nil {
		return fmt.Errorf("email: write message: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("email: sync message: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("email: close message: %w", err)
	}
	name := now.UTC().Format("20060102T150405Z") + "-" + randomHex(8) + ".eml"
	if err = os.Rename(tmp.Name(), filepath.Join(d.dir, name)); err != nil {
		return fmt.Errorf("email: rename message: %w", err)
	}
	return nil
}
