package email

import (
	"errors"
	"fmt"
	"time"
)

// TryoutChanged is the email sent when the club moves a tryout: its
// Tryout holds the new time and location, Old* what the parent was told
// before. The caller attaches the updated calendar event.
type TryoutChanged struct {
	Tryout
	OldStartsAt, OldEndsAt time.Time
	OldLocation            string
}

// tryoutChangedView adds the old values and what changed.
type tryoutChangedView struct {
	tryoutView
	OldWhen, OldLocation         string
	TimeChanged, LocationChanged bool
}

// RenderTryoutChanged renders the change notice: the old and the new time
// and place, both in the tryout's zone, the changed ones marked.
func RenderTryoutChanged(c TryoutChanged) (Message, error) {
	v, loc, err := c.view()
	if err != nil {
		return Message{}, fmt.Errorf("email: invalid tryout change: %w", err)
	}
	if c.OldStartsAt.IsZero() || c.OldEndsAt.IsZero() {
		return Message{}, errors.New("email: invalid tryout change: the old start and end times are required")
	}
	cv := tryoutChangedView{
		tryoutView:      v,
		OldWhen:         formatWhen(c.OldStartsAt, c.OldEndsAt, loc),
		OldLocation:     c.OldLocation,
		TimeChanged:     !c.OldStartsAt.Equal(c.StartsAt) || !c.OldEndsAt.Equal(c.EndsAt),
		LocationChanged: c.OldLocation != c.Location,
	}
	what := "new time and place"
	switch {
	case cv.TimeChanged && !cv.LocationChanged:
		what = "new time"
	case cv.LocationChanged && !cv.TimeChanged:
		what = "new place"
	case !cv.TimeChanged && !cv.LocationChanged:
		what = "updated details"
	}
	return render(KindTryoutChanged, c.From, c.To, "Tryout changed ("+what+"): "+v.PlayerName+" – "+c.TryoutName, cv)
}
