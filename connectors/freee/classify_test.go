package freee_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nayose/nayose/connectors/freee"
	"github.com/nayose/nayose/connectors/httpx"
)

func TestClassify_ForbiddenIsThrottlingUnlessAboutPermissions(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   httpx.Kind
	}{
		{"over-use 403", 403, `{"status_code":403,"errors":[{"type":"status","messages":["アクセスが集中しています。"]}]}`, httpx.Throttled},
		{"403 without a body", 403, ``, httpx.Throttled},
		{"permission 403", 403, `{"status_code":403,"errors":[{"type":"status","messages":["指定した事業所へのアクセス権限がありません。"]}]}`, httpx.Fatal},
		{"reports 429", 429, `{}`, httpx.Throttled},
		{"400", 400, `{"status_code":400,"errors":[]}`, httpx.Fatal},
		{"503", 503, ``, httpx.Retry},
		{"200", 200, `{}`, httpx.OK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: c.status, Status: http.StatusText(c.status), Header: http.Header{"X-Freee-Request-Id": {"req-42"}}}
			v := freee.Classify(resp, []byte(c.body))
			if v.Kind != c.want {
				t.Errorf("kind %s, want %s", v.Kind, c.want)
			}
			if c.want != httpx.OK && !strings.Contains(v.Reason, "X-Freee-Request-ID req-42") {
				t.Errorf("reason %q does not name the request id", v.Reason)
			}
		})
	}
}
