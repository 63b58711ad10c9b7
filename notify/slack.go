package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	// The default zone, Asia/Tokyo, must load where the system has no
	// zone files (scratch and distroless images).
	_ "time/tzdata"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// SlackOptions configures a Slack notifier: Token with Channel, or
// WebhookURL.
type SlackOptions struct {
	// Token is a bot token (xoxb-...) with the chat:write scope; messages
	// go through chat.postMessage to Channel.
	Token string
	// Channel is "#shop-alerts" or a channel id; the app must be in it.
	Channel string
	// WebhookURL is an incoming webhook, instead of Token and Channel.
	WebhookURL string

	// APIURL is the Web API's base URL, ending in "/"; default Slack's.
	// Tests point it at a fake.
	APIURL string
	// HTTPClient sends the requests; default a client with a 30s timeout.
	HTTPClient *http.Client
	// Location is the time zone times are shown in; default Asia/Tokyo.
	Location *time.Location
	// RateLimitRetries is how many times a message Slack refused with a
	// rate limit is tried again, each after waiting the Retry-After Slack
	// asked for. Default 3; negative for none.
	RateLimitRetries int
	// MaxWait is the longest Retry-After waited out within one send;
	// beyond it the send fails at once with the rate limit, which the
	// Outbox honours before trying again. Default 1m.
	MaxWait time.Duration
	Logger  *slog.Logger
	Metrics *Metrics
}

// Slack posts alerts to a Slack channel as Block Kit messages: a header
// with the title, the fields in two columns, and a context line with the
// rule and the time; a plain text for notifications. A rate-limited post
// waits out Slack's Retry-After (within ctx) and is tried again. Errors
// name the channel, or "incoming webhook", and never carry the token or
// the webhook's URL.
type Slack struct {
	o       SlackOptions
	api     *slack.Client // nil for an incoming webhook
	where   string        // for errors and logs: channel #x, incoming webhook
	channel string        // for alerts.channel
	secrets []string
	log     *slog.Logger
}

var _ BatchNotifier = (*Slack)(nil)

// NewSlack checks o and returns a notifier; it does not reach Slack.
func NewSlack(o SlackOptions) (*Slack, error) {
	switch {
	case o.Token != "" && o.WebhookURL != "":
		return nil, errors.New("slack: give a bot token with a channel, or a webhook URL, not both")
	case o.Token == "" && o.WebhookURL == "":
		return nil, errors.New("slack: a bot token with a channel, or a webhook URL, is needed")
	case o.Token != "" && o.Channel == "":
		return nil, errors.New("slack: a bot token needs a channel to post in")
	case o.WebhookURL != "":
		if u, err := url.Parse(o.WebhookURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			// The URL is a credential: say what is wrong without it.
			return nil, errors.New("slack: the incoming webhook URL is not an http(s) URL")
		}
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Location == nil {
		tokyo, err := time.LoadLocation("Asia/Tokyo")
		if err != nil {
			return nil, fmt.Errorf("slack: loading the default time zone: %w", err)
		}
		o.Location = tokyo
	}
	switch {
	case o.RateLimitRetries == 0:
		o.RateLimitRetries = 3
	case o.RateLimitRetries < 0:
		o.RateLimitRetries = 0
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Slack{o: o}
	if o.Token != "" {
		opts := []slack.Option{slack.OptionHTTPClient(o.HTTPClient)}
		if o.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(o.APIURL))
		}
		s.api = slack.New(o.Token, opts...)
		s.where = "Slack channel " + o.Channel
		s.channel = "slack:" + o.Channel
		s.secrets = []string{o.Token}
	} else {
		s.where = "Slack incoming webhook"
		s.channel = "slack:webhook"
		s.secrets = webhookSecrets(o.WebhookURL)
	}
	s.log = o.Logger.With("notifier", s.channel)
	return s, nil
}

// webhookSecrets lists the forms in which a webhook URL's secret part may
// show in an error: the URL, its path, and their escaped forms.
func webhookSecrets(raw string) []string {
	out := []string{raw, url.QueryEscape(raw)}
	if u, err := url.Parse(raw); err == nil {
		if len(u.Path) > 1 {
			out = append(out, u.Path, u.EscapedPath(), url.PathEscape(u.Path))
		}
		if u.RawQuery != "" {
			out = append(out, u.RawQuery)
		}
	}
	return out
}

// Channel names where s posts: "slack:#shop-alerts" or "slack:webhook".
func (s *Slack) Channel() string { return s.channel }

// String names where s posts; the credential never prints.
func (s *Slack) String() string { return s.channel }

// Format prints s under every verb as String does, so that neither %+v
// nor %#v shows the token or the webhook URL.
func (s *Slack) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.channel) }

// LogValue keeps slog from printing the credential.
func (s *Slack) LogValue() slog.Value { return slog.StringValue(s.channel) }

// Format prints the options with the token and the webhook URL elided.
func (o SlackOptions) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{Token:%s Channel:%s WebhookURL:%s APIURL:%s}", elide(o.Token), o.Channel, elide(o.WebhookURL), o.APIURL)
}

// LogValue keeps slog from printing the credentials.
func (o SlackOptions) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(o)) }

func elide(secret string) string {
	if secret == "" {
		return ""
	}
	return "<secret>"
}

// Notify implements Notifier.
func (s *Slack) Notify(ctx context.Context, a Alert) error {
	return s.send(ctx, s.alertMessage(a))
}

// NotifyBatch implements BatchNotifier: one message headed by the
// digest's title, one section per alert up to DigestShown, then how many
// more there are.
func (s *Slack) NotifyBatch(ctx context.Context, d Digest) error {
	return s.send(ctx, s.digestMessage(d))
}

// message is what one post carries.
type message struct {
	text   string
	blocks []slack.Block
}

// send posts m, waiting out rate limits up to the configured bound.
func (s *Slack) send(ctx context.Context, m message) error {
	for attempt := 0; ; attempt++ {
		err := s.post(ctx, m)
		if err == nil {
			s.o.Metrics.message(s.channel, "sent")
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("posting to %s: %w", s.where, ctx.Err())
		}
		var limited *slack.RateLimitedError
		if !errors.As(err, &limited) || attempt >= s.o.RateLimitRetries || limited.RetryAfter > s.o.MaxWait {
			s.o.Metrics.message(s.channel, "failed")
			return fmt.Errorf("posting to %s: %w", s.where, s.redact(err))
		}
		// Slack asks for whole seconds; never spin on a zero.
		wait := max(limited.RetryAfter, time.Second)
		s.o.Metrics.rateLimit(s.channel)
		s.log.InfoContext(ctx, "Slack rate limit: waiting before posting again", "retry_after", wait, "attempt", attempt+1)
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("posting to %s: waiting out a rate limit: %w", s.where, err)
		}
	}
}

func (s *Slack) post(ctx context.Context, m message) error {
	if s.api != nil {
		_, _, err := s.api.PostMessageContext(ctx, s.o.Channel,
			slack.MsgOptionText(m.text, false),
			slack.MsgOptionBlocks(m.blocks...),
			slack.MsgOptionDisableLinkUnfurl(),
			slack.MsgOptionDisableMediaUnfurl(),
		)
		return err
	}
	off := false
	return slack.PostWebhookCustomHTTPContext(ctx, s.o.WebhookURL, s.o.HTTPClient, &slack.WebhookMessage{
		Text:        m.text,
		Blocks:      &slack.Blocks{BlockSet: m.blocks},
		UnfurlLinks: &off,
		UnfurlMedia: &off,
	})
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redact keeps the token and the webhook URL out of err's text. The
// error is still unwrapped as before (errors.Is, errors.As), so that a
// *slack.RateLimitedError or a context error is recognised.
func (s *Slack) redact(err error) error {
	msg := err.Error()
	clean := msg
	for _, secret := range s.secrets {
		if secret != "" {
			clean = strings.ReplaceAll(clean, secret, "<secret>")
		}
	}
	if clean == msg {
		return err
	}
	return redactedError{msg: clean, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// RetryAfter reports how long Slack asked to wait before posting again,
// when err is a rate limit.
func RetryAfter(err error) (time.Duration, bool) {
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) {
		return limited.RetryAfter, true
	}
	return 0, false
}

// Block Kit limits, in characters.
const (
	maxHeader    = 150
	maxField     = 2000
	maxSection   = 3000
	maxText      = 3000
	maxFields    = 10 // per section
	emptyValue   = "—"
	timeOfAlerts = "2006-01-02 15:04 MST"
)

// alertMessage lays out one alert.
func (s *Slack) alertMessage(a Alert) message {
	title := a.Title
	if title == "" {
		title = a.Rule
	}
	blocks := []slack.Block{header(title)}
	for i := 0; i < len(a.Fields); i += maxFields {
		blocks = append(blocks, slack.NewSectionBlock(nil, fieldTexts(a.Fields[i:min(i+maxFields, len(a.Fields))]), nil))
	}
	ctxLine := "`" + escape(a.Rule) + "`"
	if !a.At.IsZero() {
		ctxLine += " · " + a.At.In(s.o.Location).Format(timeOfAlerts)
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(ctxLine)))

	var text strings.Builder
	text.WriteString(title)
	for _, f := range a.Fields {
		text.WriteString("\n" + f.Label + ": " + f.Value)
	}
	return message{text: fit(text.String(), maxText), blocks: blocks}
}

// digestMessage lays out a digest: a section per shown alert, its title
// and time as text and its fields beside.
func (s *Slack) digestMessage(d Digest) message {
	blocks := []slack.Block{header(d.Title)}
	shown := d.Alerts[:min(len(d.Alerts), DigestShown)]
	var text strings.Builder
	text.WriteString(d.Title)
	for _, a := range shown {
		line := "*" + escape(a.Title) + "*"
		if !a.At.IsZero() {
			line += "  " + a.At.In(s.o.Location).Format("01-02 15:04")
		}
		var fields []*slack.TextBlockObject
		if len(a.Fields) > 0 {
			fields = fieldTexts(a.Fields[:min(len(a.Fields), maxFields)])
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(fitMrkdwn(line, maxSection)), fields, nil))
		text.WriteString("\n• " + a.Title)
	}
	if more := len(d.Alerts) - len(shown); more > 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(fmt.Sprintf("_…and %d more_", more)), nil, nil))
		fmt.Fprintf(&text, "\n…and %d more", more)
	}
	ctxLine := "`" + escape(d.Rule) + "`"
	if first, last := earliest(d.Alerts), latest(d.Alerts); !first.IsZero() {
		ctxLine += fmt.Sprintf(" · %d alerts from %s to %s", len(d.Alerts),
			first.In(s.o.Location).Format("2006-01-02 15:04"), last.In(s.o.Location).Format(timeOfAlerts))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(ctxLine)))
	return message{text: fit(text.String(), maxText), blocks: blocks}
}

func earliest(alerts []Alert) time.Time {
	var t time.Time
	for _, a := range alerts {
		if !a.At.IsZero() && (t.IsZero() || a.At.Before(t)) {
			t = a.At
		}
	}
	return t
}

// header is a plain-text header: Slack shows it as is, no escaping.
func header(title string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(title, maxHeader), true, false))
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// fieldTexts makes two-column fields: "*Label*\nValue".
func fieldTexts(fields []Field) []*slack.TextBlockObject {
	out := make([]*slack.TextBlockObject, len(fields))
	for i, f := range fields {
		v := f.Value
		if strings.TrimSpace(v) == "" {
			v = emptyValue
		}
		out[i] = mrkdwn(fitMrkdwn("*"+escape(f.Label)+"*\n"+escape(v), maxField))
	}
	return out
}

// escape makes s literal in Slack's mrkdwn: &, < and > are its control
// characters (<@U123>, <!channel>, <https://...|link>).
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// fit shortens escaped text s to n characters (the fallback text).
func fit(s string, n int) string { return fitMrkdwn(escape(s), n) }

// fitMrkdwn shortens escaped mrkdwn to n characters, ending in "…",
// without cutting an entity (&amp;) in two.
func fitMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := truncateRunes(s, n-1)
	if i := strings.LastIndexByte(cut, '&'); i >= 0 && !strings.Contains(cut[i:], ";") {
		cut = cut[:i]
	}
	return cut + "…"
}

// truncate shortens plain text to n characters, ending in "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return truncateRunes(s, n-1) + "…"
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
