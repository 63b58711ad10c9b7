package metatest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/nayose/nayose/connectors/meta/metatest"
)

func get(t *testing.T, u string, header string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestServer_PagesNewestFirstAndChecksTheToken(t *testing.T) {
	fb := &metatest.Server{}
	t0 := time.Now().Add(-time.Hour)
	var convs []string
	for i := range 5 {
		c := fb.AddConversation(metatest.Participant{Name: "c"})
		fb.AddMessage(c, metatest.Message{Text: "hi", CreatedTime: t0.Add(time.Duration(i) * time.Minute)})
		convs = append(convs, c)
	}
	ts := fb.Serve(t)
	base := ts.URL + "/v21.0/" + metatest.DefaultPageID + "/conversations?fields=participants,updated_time&limit=2"
	if status, body := get(t, base, ""); status != 400 || body["error"].(map[string]any)["code"].(float64) != 190 {
		t.Fatalf("no token: %d %v", status, body)
	}
	var seen []string
	next := base + "&access_token=" + url.QueryEscape(metatest.DefaultAccessToken)
	for next != "" {
		status, body := get(t, next, "")
		if status != 200 {
			t.Fatalf("%d %v", status, body)
		}
		for _, d := range body["data"].([]any) {
			seen = append(seen, d.(map[string]any)["id"].(string))
		}
		next = ""
		if p, ok := body["paging"].(map[string]any); ok {
			next, _ = p["next"].(string)
		}
	}
	if len(seen) != 5 || seen[0] != convs[4] || seen[4] != convs[0] {
		t.Errorf("order %v, want newest first %v reversed", seen, convs)
	}
}

func TestServer_ThrottlesAsGraphDoes(t *testing.T) {
	fb := &metatest.Server{}
	ts := fb.Serve(t)
	fb.ThrottleNext(1, metatest.Throttle{Code: 80006, Status: 403, RegainMinutes: 3})
	req, _ := http.NewRequest("GET", ts.URL+"/v21.0/"+metatest.DefaultPageID+"/conversations", nil)
	req.Header.Set("Authorization", "Bearer "+metatest.DefaultAccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-Business-Use-Case-Usage") == "" {
		t.Errorf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
}
