package config

import (
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Secret is a string that never prints: fmt, slog, JSON and YAML all show
// "<secret>". Call Reveal where the real value is needed, and only there.
type Secret string

const redacted = "<secret>"

// Reveal returns the secret's real value.
func (s Secret) Reveal() string { return string(s) }

// String returns "<secret>", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return `config.Secret("` + s.String() + `")` }

// Format keeps every fmt verb (%s, %v, %q, %x...) from printing the value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	fmt.Fprint(f, s.String())
}

// LogValue keeps slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoders from printing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalYAML keeps YAML output from printing the value.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// UnmarshalYAML reads the secret from a scalar.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a single text value")
	}
	*s = Secret(n.Value)
	return nil
}

// Duration is a time.Duration written as "90s", "5m", "1h30m".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if err := scalar(n); err != nil {
		return err
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration (write it like 90s, 5m or 1h30m)", n.Value)
	}
	if v < 0 {
		return fmt.Errorf("%q: a duration cannot be negative", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration back as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Location is a time zone from the IANA database, written as its name
// ("Asia/Tokyo", "UTC").
type Location struct{ *time.Location }

// UnmarshalYAML loads the named zone.
func (l *Location) UnmarshalYAML(n *yaml.Node) error {
	if err := scalar(n); err != nil {
		return err
	}
	loc, err := time.LoadLocation(n.Value)
	if err != nil || n.Value == "" || n.Value == "Local" {
		return fmt.Errorf("%q is not a time zone name (write it like Asia/Tokyo or UTC)", n.Value)
	}
	l.Location = loc
	return nil
}

// MarshalYAML writes the zone's name.
func (l Location) MarshalYAML() (any, error) { return l.String(), nil }

// TimeOfDay is a wall-clock time written as "HH:MM", from 00:00 to 23:59.
type TimeOfDay struct {
	Hour, Minute int
}

var timeOfDay = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)

// ParseTimeOfDay reads "HH:MM".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	m := timeOfDay.FindStringSubmatch(s)
	if m == nil {
		return TimeOfDay{}, fmt.Errorf("%q is not a time of day (write HH:MM from 00:00 to 23:59, like \"22:00\")", s)
	}
	h, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	return TimeOfDay{Hour: h, Minute: mm}, nil
}

// UnmarshalYAML parses "HH:MM".
func (t *TimeOfDay) UnmarshalYAML(n *yaml.Node) error {
	if err := scalar(n); err != nil {
		return err
	}
	v, err := ParseTimeOfDay(n.Value)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// String writes the time as "HH:MM".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// MarshalYAML writes the time as "HH:MM".
func (t TimeOfDay) MarshalYAML() (any, error) { return t.String(), nil }

// scheduleParser accepts what the daemon runs: 5-field cron specs and the
// descriptors (@every 1h, @hourly, @daily...).
var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Schedule is a validated cron spec: five fields ("0 9 * * 1-5"), "@every 1h",
// or a descriptor such as "@hourly". It is read in the configured timezone.
type Schedule struct {
	Spec string
	cron.Schedule
}

// UnmarshalYAML parses and checks the spec.
func (s *Schedule) UnmarshalYAML(n *yaml.Node) error {
	if err := scalar(n); err != nil {
		return err
	}
	return s.parse(n.Value)
}

func (s *Schedule) parse(spec string) error {
	rest := spec
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		// cron panics on a zone prefix with nothing after it ("TZ=UTC").
		_, after, ok := strings.Cut(spec, " ")
		if !ok {
			return fmt.Errorf("%q is not a schedule: a time zone prefix needs a schedule after it", spec)
		}
		rest = strings.TrimSpace(after)
	}
	// cron runs "@every" below one second, zero and negative durations
	// included, every second: an API hammered by a typo.
	if d, ok := strings.CutPrefix(rest, "@every "); ok {
		if v, err := time.ParseDuration(d); err == nil && v < time.Second {
			return fmt.Errorf("%q is not a schedule: @every needs at least 1s", spec)
		}
	}
	sched, err := scheduleParser.Parse(spec)
	if err != nil {
		return fmt.Errorf("%q is not a schedule: %v (write 5 cron fields like \"0 9 * * *\", or \"@every 1h\", \"@hourly\", \"@daily\")", spec, err)
	}
	s.Spec, s.Schedule = spec, sched
	return nil
}

// scalar rejects a list or mapping where a single value belongs; its Value
// would read as "" and make a misleading message.
func scalar(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a single value, found %s", describe(n))
	}
	return nil
}

// MarshalYAML writes the spec.
func (s Schedule) MarshalYAML() (any, error) { return s.Spec, nil }

// ParseSchedule parses a spec as the config file would.
func ParseSchedule(spec string) (Schedule, error) {
	var s Schedule
	err := s.parse(spec)
	return s, err
}
