package email

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEveryKindHasBothPartsAndASample: each kind has its two templates and
// a sample that renders a text and an HTML part from the club's sender.
func TestEveryKindHasBothPartsAndASample(t *testing.T) {
	t.Parallel()
	if !slices.Equal(Kinds(), SampleKinds()) {
		t.Errorf("kinds %v, samples %v: every kind needs a sample", Kinds(), SampleKinds())
	}
	for _, kind := range Kinds() {
		for _, name := range []string{kind + ".txt.tmpl", kind + ".html.tmpl"} {
			if textTemplates.Lookup(name) == nil && htmlTemplates.Lookup(name) == nil {
				t.Errorf("kind %s has no template %s", kind, name)
			}
		}
		m, err := Sample(kind, SampleOptions{})
		if err != nil {
			t.Errorf("%s sample: %v", kind, err)
			continue
		}
		if strings.TrimSpace(m.Text) == "" || !strings.Contains(m.HTML, "<html") || m.Subject == "" {
			t.Errorf("%s sample lacks a part or a subject", kind)
		}
		if m.From != "tryouts@demo-club.example" {
			t.Errorf("%s sample comes from %q, not the club's sender", kind, m.From)
		}
	}
}

func hostileTryout() Tryout {
	return Tryout{
		From: "tryouts@hoops.example", To: "alex@example.com", ParentFirstName: "<b>Alex</b>", ClubName: "Hoops & <Co>",
		PlayerFirstName: "Jo<script>", PlayerLastName: "Rivera", TryoutName: "U12 \"Winter\"",
		// 15:00Z on April 10 is 10:00 AM CDT.
		StartsAt: time.Date(2027, 4, 10, 15, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 4, 10, 17, 0, 0, 0, time.UTC),
		TimeZone: "America/Chicago", Location: "Gym <1>", RegistrationURL: "https://hoops.example/registrations/reg_1",
		CalendarURL: "https://hoops.example/registrations/reg_1/calendar.ics",
	}
}

func checkEscaped(t *testing.T, html string) {
	t.Helper()
	for _, raw := range []string{"<b>Alex</b>", "Jo<script>", "Hoops & <Co>", "Gym <1>"} {
		if strings.Contains(html, raw) {
			t.Errorf("HTML part contains %q unescaped", raw)
		}
	}
}

func TestRenderReminder(t *testing.T) {
	t.Parallel()
	m, err := RenderReminder(Reminder{Tryout: hostileTryout()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Subject, "Reminder: Jo<script> Rivera – U12 \"Winter\" on Saturday, April 10 at 10:00 AM") {
		t.Errorf("Subject = %q", m.Subject)
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, want := range []string{"Saturday, April 10, 2027, 10:00 AM – 12:00 PM CDT", "https://hoops.example/registrations/reg_1/calendar.ics"} {
			if !strings.Contains(part, want) {
				t.Errorf("a part lacks %q", want)
			}
		}
	}
	checkEscaped(t, m.HTML)
	bad := hostileTryout()
	bad.TimeZone = ""
	if _, err := RenderReminder(Reminder{Tryout: bad}); err == nil {
		t.Error("a reminder without a zone rendered")
	}
}

func TestRenderTryoutChanged(t *testing.T) {
	t.Parallel()
	tr := hostileTryout()
	moved := TryoutChanged{Tryout: tr, OldStartsAt: tr.StartsAt.Add(-48 * time.Hour), OldEndsAt: tr.EndsAt.Add(-48 * time.Hour), OldLocation: tr.Location}
	m, err := RenderTryoutChanged(moved)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Subject, "(new time)") {
		t.Errorf("Subject = %q", m.Subject)
	}
	for name, part := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, want := range []string{"Saturday, April 10, 2027, 10:00 AM – 12:00 PM CDT", "Thursday, April 8, 2027, 10:00 AM – 12:00 PM CDT"} {
			if !strings.Contains(part, want) {
				t.Errorf("%s part lacks %q", name, want)
			}
		}
	}
	if !strings.Contains(m.Text, "When (NEW):  Saturday, April 10") || !strings.Contains(m.Text, "When (was):  Thursday, April 8") {
		t.Errorf("text part does not say which time is new:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, "<s>Thursday, April 8") {
		t.Errorf("HTML part does not strike the old time")
	}
	checkEscaped(t, m.HTML)

	relocated := moved
	relocated.OldStartsAt, relocated.OldEndsAt, relocated.OldLocation = tr.StartsAt, tr.EndsAt, "Old Gym"
	m, err = RenderTryoutChanged(relocated)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Subject, "(new place)") || !strings.Contains(m.Text, "Where (was): Old Gym") || strings.Contains(m.Text, "When (was)") {
		t.Errorf("relocation: %q\n%s", m.Subject, m.Text)
	}
	relocated.OldStartsAt = time.Time{}
	if _, err := RenderTryoutChanged(relocated); err == nil {
		t.Error("a change without the old time rendered")
	}
}

func TestResentConfirmationSaysItReplacesTheFirst(t *testing.T) {
	t.Parallel()
	c := validConfirmation()
	first := mustRender(t, c)
	c.Resent = true
	again := mustRender(t, c)
	for name, part := range map[string][2]string{"text": {first.Text, again.Text}, "HTML": {first.HTML, again.HTML}} {
		if strings.Contains(part[0], "replaces an earlier") {
			t.Errorf("the first %s part says it replaces an earlier email", name)
		}
		if !strings.Contains(part[1], "replaces an earlier one") || !strings.Contains(part[1], "no longer works") {
			t.Errorf("the re-sent %s part does not say it replaces the first", name)
		}
	}
	if !strings.Contains(again.Subject, "replaces an earlier email") || first.Subject == again.Subject {
		t.Errorf("subjects %q / %q", first.Subject, again.Subject)
	}
	c.Account = nil
	if _, err := RenderConfirmation(c); err == nil {
		t.Error("Resent without an account rendered")
	}
}

func TestInviteConfirmationCarriesNoPassword(t *testing.T) {
	t.Parallel()
	c := validConfirmation()
	c.Account = nil
	c.Invite = &Invite{Email: "alex.parent@example.com", LoginURL: "https://id.hoops.example/login",
		ResetURL: "https://id.hoops.example/reset", ValidFor: 72 * time.Hour}
	m := mustRender(t, c)
	for name, part := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, want := range []string{"look for a separate email", "72 hours", "https://id.hoops.example/reset", "alex.parent@example.com"} {
			if !strings.Contains(part, want) {
				t.Errorf("%s part lacks %q", name, want)
			}
		}
		if strings.Contains(part, "Password") {
			t.Errorf("%s part mentions a password field", name)
		}
	}
	c.Invite.ValidFor = 0
	if _, err := RenderConfirmation(c); err == nil {
		t.Error("an invite without a lifespan rendered")
	}
}

func TestVerifyEmailNote(t *testing.T) {
	t.Parallel()
	c := validConfirmation()
	c.VerifyEmail = true
	m := mustRender(t, c)
	for _, part := range []string{m.Text, m.HTML} {
		if !strings.Contains(part, "confirm your email address") {
			t.Errorf("a part does not say the address must be confirmed")
		}
	}
	if m := mustRender(t, validConfirmation()); strings.Contains(m.Text, "confirm your email address") {
		t.Error("a plain new account is told to confirm its address")
	}
}

func TestFormatLifespan(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{72 * time.Hour: "72 hours", 96 * time.Hour: "4 days", time.Hour: "1 hour",
		90 * time.Minute: "2 hours", 15 * time.Minute: "15 minutes"} {
		if got := formatLifespan(d); got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}
