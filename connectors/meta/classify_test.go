package meta

import (
	"net/http"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

func TestClassify_GraphThrottlingCodesWaitForTheUsageHeaders(t *testing.T) {
	cases := []struct {
		name   string
		status int
		header map[string]string
		body   string
		kind   httpx.Kind
		wait   time.Duration
	}{
		{"613 on 400", 400, nil, `{"error":{"code":613,"is_transient":true}}`, httpx.Throttled, 0},
		{"80006 with BUC usage", 400, map[string]string{"X-Business-Use-Case-Usage": `{"104":[{"type":"messenger","call_count":100,"estimated_time_to_regain_access":7}]}`},
			`{"error":{"code":80006}}`, httpx.Throttled, 7 * time.Minute},
		{"4 on 403 with page usage", 403, map[string]string{"X-Page-Usage": `{"call_count":100,"estimated_time_to_regain_access":2}`, "X-App-Usage": `{"call_count":99}`},
			`{"error":{"code":4}}`, httpx.Throttled, 2 * time.Minute},
		{"unreadable usage header", 400, map[string]string{"X-Business-Use-Case-Usage": `{not json`}, `{"error":{"code":32}}`, httpx.Throttled, 0},
		{"expired token", 400, nil, `{"error":{"code":190,"error_subcode":463}}`, httpx.Fatal, 0},
		{"transient unknown error", 400, nil, `{"error":{"code":1,"is_transient":true}}`, httpx.Retry, 0},
		{"server error", 500, nil, `{"error":{"code":2,"is_transient":true}}`, httpx.Retry, 0},
		{"permission", 403, nil, `{"error":{"code":200}}`, httpx.Fatal, 0},
		{"ok", 200, map[string]string{"X-App-Usage": `{"call_count":100}`}, `{"data":[]}`, httpx.OK, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range c.header {
				h.Set(k, v)
			}
			v := classify(&http.Response{StatusCode: c.status, Header: h}, []byte(c.body))
			if v.Kind != c.kind || v.Wait != c.wait {
				t.Errorf("verdict %+v, want %s waiting %s", v, c.kind, c.wait)
			}
		})
	}
}
