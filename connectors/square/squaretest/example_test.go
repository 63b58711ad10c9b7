package squaretest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/nayose/nayose/connectors/square/squaretest"
)

func Example() {
	var sq squaretest.Server // ready at its zero value
	sq.AddCustomers(squaretest.Customer{
		GivenName: "健太", FamilyName: "佐藤", PhoneNumber: "+81 90-1234-5678",
		UpdatedAt: time.Date(2024, 5, 1, 1, 2, 3, 456_000_000, time.UTC),
	})
	ts := httptest.NewServer(&sq) // in a test: ts := sq.Serve(t)
	defer ts.Close()

	req, _ := http.NewRequest("POST", ts.URL+"/v2/customers/search",
		strings.NewReader(`{"query":{"filter":{"updated_at":{"start_at":"2024-05-01T00:00:00Z"}}},"limit":100}`))
	req.Header.Set("Authorization", "Bearer "+squaretest.DefaultAccessToken)
	req.Header.Set("Square-Version", squaretest.SquareVersion)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Customers []struct {
			FamilyName string `json:"family_name"`
			UpdatedAt  string `json:"updated_at"`
		} `json:"customers"`
	}
	json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.StatusCode, page.Customers[0].FamilyName, page.Customers[0].UpdatedAt)
	fmt.Println(sq.CountRequests("/v2/customers/search"), sq.UnknownRoutes())
	// Output:
	// 200 佐藤 2024-05-01T01:02:03.456Z
	// 1 []
}
