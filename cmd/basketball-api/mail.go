package main

import "context"

func (m *Main) mailPreview(ctx context.Context, args []string) error {
	return usagef("mail preview is not available yet")
}
