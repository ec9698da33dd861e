package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"basketball/email/emailtest"
	"basketball/sqldb/sqldbtest"
)

// TestDemoConfirmationHasACalendarEvent is the "done when" as a
// new user checks it: in the demo, the confirmation in outbox/ carries a
// tryout.ics that a calendar parser reads as the tryout's start and end,
// and the registration's page serves the same event.
func TestDemoConfirmationHasACalendarEvent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mailDir := filepath.Join(dir, "outbox")
	srv := mustStart(t, map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "MAIL_DIR": mailDir}, "demo", "--db", filepath.Join(dir, "demo.db"))
	tryout := mustDemoTryout(t, srv)
	req := sqldbtest.Request(tryout["id"].(string), 1)
	req.PromoCode = "FREE"
	body, _ := json.Marshal(req)
	resp, err := http.Post(srv.url("/api/v1/clubs/demo/registrations"), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ID string `json:"registration_id"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if json.Unmarshal(b, &reg) != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %s", resp.StatusCode, b)
	}
	mustEventuallyEmail(t, mailDir)
	files, _ := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	msg, err := emailtest.ParseEML(raw)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := msg.Attachment("text/calendar")
	if !ok {
		t.Fatalf("the confirmation in the outbox has no calendar event: %+v", msg.Attachments)
	}
	start, _ := time.Parse(time.RFC3339, tryout["starts_at"].(string))
	end, _ := time.Parse(time.RFC3339, tryout["ends_at"].(string))
	check := func(what string, data []byte) {
		t.Helper()
		cal, err := goical.NewDecoder(bytes.NewReader(data)).Decode()
		if err != nil || len(cal.Events()) != 1 {
			t.Fatalf("%s: %v\n%s", what, err, data)
		}
		ev := cal.Events()[0]
		s, _ := ev.DateTimeStart(nil)
		e, _ := ev.DateTimeEnd(nil)
		if !s.Equal(start) || !e.Equal(end) {
			t.Errorf("%s: %s – %s, the tryout is %s – %s", what, s, e, start, end)
		}
		if loc, _ := ev.Props.Text(goical.PropLocation); loc != tryout["location"] {
			t.Errorf("%s: LOCATION %q", what, loc)
		}
		if uid := ev.Props.Get(goical.PropUID).Value; !strings.HasPrefix(uid, reg.ID+"@") {
			t.Errorf("%s: UID %q", what, uid)
		}
	}
	check("the emailed tryout.ics", a.Data)
	status, page := mustGet(t, srv.url("/registrations/"+reg.ID+"/calendar.ics"))
	if status != http.StatusOK {
		t.Fatalf("calendar.ics: %d", status)
	}
	check("calendar.ics", []byte(page))
	if code := srv.stop(t); code != 0 {
		t.Fatalf("demo exited %d", code)
	}
}
