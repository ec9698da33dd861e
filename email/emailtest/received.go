package emailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
)

// Received is one message as the server (or ParseEML) saw it.
type Received struct {
	// From and To are the SMTP envelope (MAIL FROM, RCPT TO). ParseEML,
	// which has no envelope, fills them from the From and To headers.
	From string
	To   []string
	// Raw is the message exactly as transmitted.
	Raw []byte
	// Header is the parsed top-level header; values are not decoded.
	Header mail.Header
	// HeaderFrom and HeaderTo are the addresses of the From and To headers.
	HeaderFrom string
	HeaderTo   []string
	// Subject is the decoded Subject header; MessageID the Message-ID
	// header including its angle brackets.
	Subject   string
	MessageID string
	// Text and HTML are the first text/plain and text/html parts, with
	// their transfer encoding (quoted-printable, base64) removed and line
	// ends turned from the wire's CRLF into "\n", as templates write them.
	Text, HTML string
	// Attachments are the parts sent as attachments (Content-Disposition
	// attachment, or any part that is not text), decoded, in order.
	Attachments []Attachment
	// TLS reports whether the SMTP connection was encrypted, User which
	// user authenticated ("" when none). ParseEML leaves them empty.
	TLS  bool
	User string
}

// Attachment is one attached file of a received message.
type Attachment struct {
	// Filename is from Content-Disposition (or Content-Type's name).
	Filename string
	// ContentType is the part's Content-Type as sent, MediaType its
	// media type alone ("text/calendar").
	ContentType string
	MediaType   string
	Data        []byte
}

// Attachment returns the first attachment of the media type, if any.
func (r Received) Attachment(mediaType string) (Attachment, bool) {
	for _, a := range r.Attachments {
		if a.MediaType == mediaType {
			return a, true
		}
	}
	return Attachment{}, false
}

func (r Received) clone() Received {
	r.Attachments = slices.Clone(r.Attachments)
	for i := range r.Attachments {
		r.Attachments[i].Data = bytes.Clone(r.Attachments[i].Data)
	}
	r.To = slices.Clone(r.To)
	r.HeaderTo = slices.Clone(r.HeaderTo)
	r.Raw = bytes.Clone(r.Raw)
	h := make(mail.Header, len(r.Header))
	for k, v := range r.Header {
		h[k] = slices.Clone(v)
	}
	r.Header = h
	return r
}

// ParseEML reads an RFC 5322 message, such as an .eml file from the outbox
// or the DATA of an SMTP transaction. It assumes UTF-8 (or ASCII) bodies.
func ParseEML(raw []byte) (Received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("emailtest: read message: %w", err)
	}
	rec := Received{Raw: bytes.Clone(raw), Header: msg.Header}

	dec := new(mime.WordDecoder)
	if rec.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Received{}, fmt.Errorf("emailtest: decode Subject: %w", err)
	}
	rec.MessageID = msg.Header.Get("Message-Id")

	if v := msg.Header.Get("From"); v != "" {
		from, err := mail.ParseAddress(v)
		if err != nil {
			return Received{}, fmt.Errorf("emailtest: From header: %w", err)
		}
		rec.HeaderFrom = from.Address
	}
	if msg.Header.Get("To") != "" {
		to, err := msg.Header.AddressList("To")
		if err != nil {
			return Received{}, fmt.Errorf("emailtest: To header: %w", err)
		}
		for _, a := range to {
			rec.HeaderTo = append(rec.HeaderTo, a.Address)
		}
	}
	rec.From = rec.HeaderFrom
	rec.To = slices.Clone(rec.HeaderTo)

	if err := walkPart(&rec, textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		return Received{}, err
	}
	return rec, nil
}

// walkPart collects the first text/plain and text/html leaves that are not
// attachments, and every attachment, descending into multipart/*
// containers (alternative inside mixed, and so on).
func walkPart(rec *Received, h textproto.MIMEHeader, body io.Reader) error {
	contentType, transferEncoding := h.Get("Content-Type"), h.Get("Content-Transfer-Encoding")
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii" // RFC 2045 default
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("emailtest: Content-Type %q: %w", contentType, err)
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("emailtest: %s without boundary", mediaType)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			p, err := mr.NextRawPart() // raw: decode transfer encodings ourselves, for every type
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("emailtest: read %s: %w", mediaType, err)
			}
			err = walkPart(rec, p.Header, p)
			if err != nil {
				return err
			}
		}
	}

	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if disposition == "attachment" || (mediaType != "text/plain" && mediaType != "text/html") {
		data, err := decodeBytes(transferEncoding, body)
		if err != nil {
			return fmt.Errorf("emailtest: decode %s attachment: %w", mediaType, err)
		}
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		rec.Attachments = append(rec.Attachments, Attachment{Filename: name, ContentType: contentType, MediaType: mediaType, Data: data})
		return nil
	}
	decoded, err := decodeBody(transferEncoding, body)
	if err != nil {
		return fmt.Errorf("emailtest: decode %s part: %w", mediaType, err)
	}
	switch {
	case mediaType == "text/plain" && rec.Text == "":
		rec.Text = decoded
	case mediaType == "text/html" && rec.HTML == "":
		rec.HTML = decoded
	}
	return nil
}

func decodeBody(transferEncoding string, body io.Reader) (string, error) {
	b, err := decodeBytes(transferEncoding, body)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// decodeBytes removes a part's transfer encoding.
func decodeBytes(transferEncoding string, body io.Reader) ([]byte, error) {
	var r io.Reader
	switch enc := strings.ToLower(strings.TrimSpace(transferEncoding)); enc {
	case "", "7bit", "8bit", "binary":
		r = body
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body) // skips CR and LF itself
	default:
		return nil, fmt.Errorf("unknown Content-Transfer-Encoding %q", enc)
	}
	return io.ReadAll(r)
}

var textPasswordRE = regexp.MustCompile(`(?m)^\s*Password:\s*(\S+)\s*$`)

// PasswordInText returns the temporary password a confirmation's text
// part carries ("Password: …"), if it carries one.
func PasswordInText(text string) (string, bool) {
	m := textPasswordRE.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return m[1], true
}
