package meta_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/meta"
	"github.com/nayose/nayose/connectors/meta/metatest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/daemon"
	"github.com/nayose/nayose/sync/engine"
)

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDaemon_MetaHandshakeAndSignedDeliveriesEndAsActivities goes through
// the daemon's listener as Meta would: the GET check answers the challenge
// only for the verify token, an unsigned delivery is refused 401, a signed
// one is stored and the connector's run turns it into activities.
func TestDaemon_MetaHandshakeAndSignedDeliveriesEndAsActivities(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	_, ts := newFake(t)
	src := newSource(t, connectors.Env{Name: "meta_salon", Inbox: db.Inbox()}, ts.URL)
	sched, _ := config.ParseSchedule("@every 1h")
	conn := connectors.Connector{Config: config.Connector{Name: "meta_salon", Type: meta.TypeName, Schedule: sched, Timeout: config.Duration(time.Minute)}, Source: src}
	d := daemon.New(daemon.Options{Runner: engine.New(engine.Options{DB: db}), DB: db, Connectors: []connectors.Connector{conn}, Listen: "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "the listener", func() bool { return d.Addr() != "" })
	hook := "http://" + d.Addr() + "/webhooks/meta_salon"

	check := func(token string) (int, string) {
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {token}, "hub.challenge": {"8812"}}
		res, err := http.Get(hook + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := check(testVerifyToken); code != 200 || body != "8812" {
		t.Errorf("handshake: %d %q", code, body)
	}
	if code, _ := check("guess"); code != http.StatusForbidden {
		t.Errorf("handshake with a wrong token: %d", code)
	}

	body := metatest.DeliveryBody("page", metatest.DefaultPageID,
		metatest.Messaging{SenderID: "7109", RecipientID: metatest.DefaultPageID, MID: "m_daemon1", Text: "予約したいです"})
	post := func(sig string) int {
		req, _ := http.NewRequest("POST", hook, strings.NewReader(string(body)))
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", sig)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d", code)
	}
	if code := post(metatest.Signature("wrong", body)); code != http.StatusUnauthorized {
		t.Errorf("wrongly signed: %d", code)
	}
	if code := post(metatest.Signature(testAppSecret, body)); code != http.StatusOK {
		t.Fatalf("signed: %d", code)
	}
	waitFor(t, "the message and inquiry", func() bool {
		var n int64
		db.Gorm.Model(&store.Activity{}).Where("external_id = ?", "m_daemon1").Count(&n)
		return n == 2
	})
}
