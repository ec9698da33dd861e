// Package email renders basketball-api's confirmation email and delivers
// messages, either over SMTP (SMTP_URL) or, when no SMTP server is
// configured, as .eml files in a directory (MAIL_DIR) that a developer or an
// operator can open with any mail client.
//
// Both senders build the same RFC 5322 message with go-mail, so what lands
// in the outbox is byte for byte what an SMTP server would receive.
//
// Messages can carry a parent's initial password, so nothing here logs them,
// and Message, Account, Config and SMTPSettings print without secrets.
package email
