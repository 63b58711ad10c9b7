package square

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// client is the typed part of Square's API the streams read.
type client struct {
	http *httpx.Client
	opts *Options
}

// epoch is the start of the first window: before any Square record.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// stamp formats a time as Square's RFC 3339 with milliseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

type timeRange struct {
	StartAt string `json:"start_at,omitempty"`
	EndAt   string `json:"end_at,omitempty"`
}

type customersSearch struct {
	Query struct {
		Filter struct {
			UpdatedAt timeRange `json:"updated_at"`
		} `json:"filter"`
	} `json:"query"`
	Limit  int    `json:"limit"`
	Cursor string `json:"cursor,omitempty"`
}

type customersPage struct {
	Customers []json.RawMessage `json:"customers"`
	Cursor    string            `json:"cursor"`
}

func (c *client) searchCustomers(ctx context.Context, since, cursor string) (customersPage, error) {
	var body customersSearch
	body.Query.Filter.UpdatedAt.StartAt = since
	body.Limit = c.opts.CustomersPageSize
	body.Cursor = cursor
	var out customersPage
	_, err := c.http.Post(ctx, "/v2/customers/search", body, &out)
	return out, err
}

type ordersSearch struct {
	LocationIDs []string `json:"location_ids"`
	Query       struct {
		Filter struct {
			DateTimeFilter struct {
				UpdatedAt timeRange `json:"updated_at"`
			} `json:"date_time_filter"`
		} `json:"filter"`
		Sort struct {
			SortField string `json:"sort_field"`
			SortOrder string `json:"sort_order"`
		} `json:"sort"`
	} `json:"query"`
	Limit  int    `json:"limit"`
	Cursor string `json:"cursor,omitempty"`
}

type ordersPage struct {
	Orders []json.RawMessage `json:"orders"`
	Cursor string            `json:"cursor"`
}

func (c *client) searchOrders(ctx context.Context, locations []string, since, cursor string) (ordersPage, error) {
	var body ordersSearch
	body.LocationIDs = locations
	body.Query.Filter.DateTimeFilter.UpdatedAt.StartAt = since
	body.Query.Sort.SortField = "UPDATED_AT"
	body.Query.Sort.SortOrder = "ASC"
	body.Limit = c.opts.PageSize
	body.Cursor = cursor
	var out ordersPage
	_, err := c.http.Post(ctx, "/v2/orders/search", body, &out)
	return out, err
}

// locationChunks returns locationIDs in chunks of at most 10 (SearchOrders'
// limit).
func (c *client) locationChunks(ctx context.Context) ([][]string, error) {
	ids, err := c.locationIDs(ctx)
	if err != nil {
		return nil, err
	}
	var chunks [][]string
	for c := range slices.Chunk(ids, 10) {
		chunks = append(chunks, c)
	}
	return chunks, nil
}

// locationIDs returns the configured location ids, or every location's id,
// sorted.
func (c *client) locationIDs(ctx context.Context) ([]string, error) {
	ids := slices.Clone(c.opts.LocationIDs)
	if len(ids) == 0 {
		var out struct {
			Locations []struct {
				ID string `json:"id"`
			} `json:"locations"`
		}
		if _, err := c.http.Get(ctx, "/v2/locations", nil, &out); err != nil {
			return nil, err
		}
		for _, l := range out.Locations {
			ids = append(ids, l.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// updatedPage is one page of ListPayments or ListPaymentRefunds.
type updatedPage struct {
	Payments []json.RawMessage `json:"payments"`
	Refunds  []json.RawMessage `json:"refunds"`
	Cursor   string            `json:"cursor"`
}

// listUpdated reads one page of GET /v2/payments or /v2/refunds at one
// location: updated at or after since, oldest update first. begin_time
// (created_at) is set to the epoch, because it defaults to a year ago and
// would hide older records updated since.
func (c *client) listUpdated(ctx context.Context, path, location, since, cursor string) (updatedPage, error) {
	q := url.Values{
		"begin_time":            {stamp(epoch)},
		"updated_at_begin_time": {since},
		"sort_field":            {"UPDATED_AT"},
		"sort_order":            {"ASC"},
		"location_id":           {location},
		"limit":                 {"100"},
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var out updatedPage
	_, err := c.http.Get(ctx, path, q, &out)
	return out, err
}

// paymentCustomer returns the customer_id of a payment; "" when the payment
// has none or Square does not know it.
func (c *client) paymentCustomer(ctx context.Context, id string) (string, error) {
	var out struct {
		Payment struct {
			CustomerID string `json:"customer_id"`
		} `json:"payment"`
	}
	_, err := c.http.Get(ctx, "/v2/payments/"+url.PathEscape(id), nil, &out)
	if he := (*httpx.HTTPError)(nil); errors.As(err, &he) && he.Status == http.StatusNotFound {
		return "", nil
	}
	return out.Payment.CustomerID, err
}

// streamErr names the stream in an HTTP error. Rate limiting past the
// budget (httpx.ErrThrottled) wraps connectors.ErrPartial, so the engine
// ends such a run as partial; anything else fails it.
func streamErr(stream string, err error) error {
	return fmt.Errorf("square %s: %w", stream, err)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// rejectID reads a record's id, for a reject.
func rejectID(raw json.RawMessage) string {
	var r struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &r)
	return r.ID
}
