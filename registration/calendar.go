package registration

import (
	"context"

	"basketball/calendar"
)

// CalendarEvent returns a registration's tryout as an iCalendar object
// (the .ics of /registrations/{id}/calendar.ics): the same UID as the
// emails' attachments and the SEQUENCE of the latest change, so importing
// it again updates the event. A registration that no longer holds a seat
// gets a canceled event; a pending one a tentative one.
func (s *Service) CalendarEvent(ctx context.Context, id string) ([]byte, error) {
	reg, err := s.store.Registration(ctx, id)
	if err != nil {
		return nil, err
	}
	club, err := s.store.ClubBySlug(ctx, reg.ClubSlug)
	if err != nil {
		return nil, err
	}
	t, err := s.store.Tryout(ctx, reg.ClubSlug, reg.TryoutID)
	if err != nil {
		return nil, err
	}
	ns, err := s.store.Notifications(ctx, reg.ID)
	if err != nil {
		return nil, err
	}
	return calendar.ICS(calendar.ForRegistration(reg, t, club.Name, s.cfg.PublicURL, calendar.Sequence(ns), s.store.Now()))
}
