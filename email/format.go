package email

import (
	"basketball"

	"fmt"
	"strings"
	"time"
)

// formatWhen renders a tryout's time span in its own zone, for example
// "Saturday, January 9, 2027, 9:00 AM – 11:00 AM CST". A span over midnight
// repeats the date; a span over a daylight-saving change names both zones.
func formatWhen(start, end time.Time, loc *time.Location) string {
	const day = "Monday, January 2, 2006, "
	start, end = start.In(loc), end.In(loc)
	startZone, _ := start.Zone()
	endZone, _ := end.Zone()

	first := start.Format(day + "3:04 PM")
	if startZone != endZone {
		first += " " + startZone
	}
	sy, sm, sd := start.Date()
	ey, em, ed := end.Date()
	if sy == ey && sm == em && sd == ed {
		return first + " – " + end.Format("3:04 PM MST")
	}
	return first + " – " + end.Format(day+"3:04 PM MST")
}

// formatAmount renders an amount in the currency's smallest unit as pages
// show it ("$30.00", "€12.50", "5.124 KWD"), refusing what is not a
// currency code.
func formatAmount(amount int64, currency string) (string, error) {
	cur := strings.ToLower(strings.TrimSpace(currency))
	if len(cur) != 3 || strings.Trim(cur, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "", fmt.Errorf("email: currency %q is not an ISO 4217 code", currency)
	}
	return basketball.FormatAmount(amount, cur), nil
}

// formatLifespan says how long a link works: "72 hours", "2 days" for
// whole days over three days, "30 minutes" under an hour.
func formatLifespan(d time.Duration) string {
	switch {
	case d >= 96*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour:
		h := (d + 30*time.Minute) / time.Hour
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", h)
	default:
		return fmt.Sprintf("%d minutes", (d+30*time.Second)/time.Minute)
	}
}
