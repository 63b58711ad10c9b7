package config_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/nayose/nayose/config"
)

func TestSecret_NeverPrints(t *testing.T) {
	const password = "hunter2-Zq9x"
	dsn := "nayose:" + password + "@tcp(db:3306)/nayose"
	src := "database:\n  driver: mysql\n  dsn: ${DSN}\n" +
		"connectors:\n  - name: orders\n    type: csv\n    schedule: \"@hourly\"\n"
	cfg, err := config.Parse("nayose.yaml", []byte(src), env{"DSN": dsn}.lookup)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	secret := cfg.Database.DSN
	if got := secret.Reveal(); got != dsn {
		t.Fatalf("Reveal() = %q, want %q", got, dsn)
	}

	// outputs maps a way of printing to what it printed.
	outputs := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-20v"} {
		outputs["Secret "+verb] = fmt.Sprintf(verb, secret)
		outputs["*Secret "+verb] = fmt.Sprintf(verb, &secret)
		outputs["Config "+verb] = fmt.Sprintf(verb, *cfg)
		outputs["*Config "+verb] = fmt.Sprintf(verb, cfg)
	}
	outputs["Sprint"] = fmt.Sprint(secret, cfg)
	outputs["Sprintln"] = fmt.Sprintln(secret, *cfg)
	outputs["String"] = secret.String()
	outputs["GoString"] = secret.GoString()

	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		log := slog.New(newHandler(&b))
		log.Info("attr", "dsn", secret)
		log.Info("attr pointer", "dsn", &secret)
		log.Info("in a struct", "database", cfg.Database)
		log.Info("whole config", "config", cfg)
		log.Info("grouped", slog.Group("db", slog.Any("dsn", secret)))
		log.With("dsn", secret).Info("with")
		outputs[name] = b.String()
	}

	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	outputs["json.Marshal"] = string(j)
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatalf("yaml.Marshal: %v", err)
	}
	outputs["yaml.Marshal"] = string(y)

	// The value would show whole, or hex-encoded under %x.
	forbidden := []string{
		password,
		hex.EncodeToString([]byte(password)),
		strings.ToUpper(hex.EncodeToString([]byte(password))),
	}
	for name, out := range outputs {
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s shows the secret: %s", name, out)
			}
		}
		// encoding/json writes <secret> as \u003csecret\u003e.
		if !strings.Contains(out, "<secret>") && !strings.Contains(out, `\u003csecret\u003e`) {
			t.Errorf("%s does not show <secret>: %s", name, out)
		}
	}

	t.Run("marshalled config reads back as <secret>, not the value", func(t *testing.T) {
		var back struct {
			Database struct {
				DSN string `yaml:"dsn"`
			} `yaml:"database"`
		}
		if err := yaml.Unmarshal(y, &back); err != nil {
			t.Fatal(err)
		}
		if back.Database.DSN != "<secret>" {
			t.Errorf("yaml dsn = %q, want <secret>", back.Database.DSN)
		}
	})

	t.Run("problems do not quote it", func(t *testing.T) {
		src := "database:\n  driver: sqlite\n  dsn: " + dsn + "\n  max_open_conns: 0\n"
		_, err := config.Parse("nayose.yaml", []byte(src), noEnv.lookup)
		if err == nil {
			t.Fatal("Parse succeeded, want a problem with dsn")
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("error shows the secret: %v", err)
		}
	})
}

func TestSecret_Empty(t *testing.T) {
	var s config.Secret
	if got := fmt.Sprint(s); got != "" {
		t.Errorf("empty secret prints %q, want \"\" (nothing to hide, and unset should look unset)", got)
	}
	if s.Reveal() != "" {
		t.Errorf("Reveal() = %q, want \"\"", s.Reveal())
	}
}

func TestSecret_SlackCredentialsNeverPrint(t *testing.T) {
	const token = "xoxb-1111-2222-Zq9xSECRET"
	const hookPath = "T0AAA/B0BBB/Zq9xHOOKSECRET"
	e := env{"SLACK_BOT_TOKEN": token, "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/" + hookPath}
	src := "notify:\n  slack:\n    bot_token: ${SLACK_BOT_TOKEN}\n    channel: \"#alerts\"\n"
	cfg, err := config.Parse("nayose.yaml", []byte(src), e.lookup)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.Notify.Slack.BotToken.Reveal() != token {
		t.Fatalf("bot token not read")
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("config", "notify", cfg.Notify, "config", cfg)
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%+v":  fmt.Sprintf("%+v", cfg.Notify),
		"%#v":  fmt.Sprintf("%#v", *cfg),
		"slog": b.String(),
		"yaml": string(y),
	}

	// Problems about either credential name it without quoting it.
	for _, bad := range []string{
		"notify:\n  slack:\n    bot_token: ${SLACK_BOT_TOKEN}\n    webhook_url: ${SLACK_WEBHOOK_URL}\n",
		"notify:\n  slack:\n    webhook_url: ${SLACK_WEBHOOK_URL}\n    channel: \"#alerts\"\n",
		"notify:\n  slack:\n    bot_token: Bearer-" + token + "\n    channel: \"#alerts\"\n",
		"notify:\n  slack:\n    webhook_url: hooks.slack.com/services/" + hookPath + "\n",
	} {
		_, err := config.Parse("nayose.yaml", []byte(bad), e.lookup)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want a problem", bad)
			continue
		}
		outputs["problem "+bad] = err.Error()
	}
	for name, out := range outputs {
		for _, secret := range []string{"Zq9xSECRET", "Zq9xHOOKSECRET"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows a credential: %s", name, out)
			}
		}
	}
}
