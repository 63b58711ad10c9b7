package daemon

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nayose/nayose/config"
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/square"
	"github.com/nayose/nayose/connectors/square/squaretest"
	"github.com/nayose/nayose/store"
	"github.com/nayose/nayose/store/storetest"
	"github.com/nayose/nayose/sync/engine"
)

// TestDaemon_WebhookStoredOnceThenTheConnectorRuns: Square posts an
// order.updated event to /webhooks/pos. A bad signature is answered 401
// and keeps nothing; a good one is stored before the 200, a redelivery is
// answered 200 and stored no second time, and the connector runs soon
// after (not waiting for its hourly schedule) and pulls the new order.
func TestDaemon_WebhookStoredOnceThenTheConnectorRuns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const key, hookURL = "sq-hook-KEYSECRETq7", "https://nayose.example.jp/webhooks/pos"
		fake := &squaretest.Server{}
		fake.SetLocations(squaretest.Location{ID: "L1", Name: "本店", Status: "ACTIVE", Country: "JP", Currency: "JPY", Timezone: "Asia/Tokyo"})
		srv := fake.Serve(t)
		o := square.Defaults()
		o.AccessToken, o.BaseURL, o.WebhookSignatureKey, o.WebhookURL = squaretest.DefaultAccessToken, srv.URL, config.Secret(key), hookURL
		src, err := square.New(connectors.Env{Name: "pos"}, o)
		if err != nil {
			t.Fatal(err)
		}
		sched, _ := config.ParseSchedule("@every 1h")
		conn := connectors.Connector{Config: config.Connector{Name: "pos", Type: "square", Schedule: sched, Timeout: config.Duration(time.Minute)}, Source: src}
		logs := &syncBuffer{}
		d := New(Options{Runner: engine.New(engine.Options{DB: db}), DB: db, Connectors: []connectors.Connector{conn}, Listen: "127.0.0.1:0",
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		defer func() { cancel(); <-done }()
		waitFor(t, "the listener", func() bool { return d.Addr() != "" })

		fake.AddOrders(squaretest.Order{ID: "ORD-1", LocationID: "L1", State: "COMPLETED",
			LineItems: []squaretest.LineItem{{Name: "カット", Quantity: "1", BasePriceMoney: squaretest.Yen(4400)}}})
		body := `{"merchant_id":"M1","type":"order.updated","event_id":"ev-0001","created_at":"2026-12-05T03:00:00Z","data":{"type":"order_updated","id":"ORD-1"}}`
		post := func(sig string) int {
			req, _ := http.NewRequest("POST", "http://"+d.Addr()+"/webhooks/pos", strings.NewReader(body))
			req.Header.Set("x-square-hmacsha256-signature", sig)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode
		}
		stored := func() int64 {
			var n int64
			db.Gorm.Model(&store.WebhookEvent{}).Where("connector = ?", "pos").Count(&n)
			return n
		}
		h := hmac.New(sha256.New, []byte("wrong key"))
		h.Write([]byte(hookURL + body))
		if code := post(base64.StdEncoding.EncodeToString(h.Sum(nil))); code != http.StatusUnauthorized || stored() != 0 {
			t.Fatalf("bad signature: %d, %d stored", code, stored())
		}
		h = hmac.New(sha256.New, []byte(key))
		h.Write([]byte(hookURL + body))
		good := base64.StdEncoding.EncodeToString(h.Sum(nil))
		if code := post(good); code != http.StatusOK || stored() != 1 {
			t.Fatalf("signed: %d, %d stored", code, stored())
		}
		if code := post(good); code != http.StatusOK || stored() != 1 {
			t.Fatalf("redelivered: %d, %d stored", code, stored())
		}
		waitFor(t, "the run the webhook asked for", func() bool {
			var n int64
			db.Gorm.Model(&store.Activity{}).Where("source = ? AND external_id = ?", "pos", "ORD-1").Count(&n)
			return n == 1
		})
		for _, path := range []string{"/webhooks/nobody"} {
			res, err := http.Post("http://"+d.Addr()+path, "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
			}
		}
		if out := logs.String(); strings.Contains(out, key) {
			t.Errorf("the logs show the signature key:\n%s", out)
		} else if !strings.Contains(out, "webhook refused: signature") {
			t.Errorf("the refused delivery was not logged:\n%s", out)
		}
	})
}
