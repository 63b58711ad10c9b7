package line

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/nayose/nayose/connectors/httpx"
)

type client struct {
	http *httpx.Client
}

// profile is GET /v2/bot/profile/{userId}.
type profile struct {
	UserID        string `json:"userId"`
	DisplayName   string `json:"displayName"`
	PictureURL    string `json:"pictureUrl,omitempty"`
	StatusMessage string `json:"statusMessage,omitempty"`
	Language      string `json:"language,omitempty"`
	raw           json.RawMessage
}

// profile fetches a user's profile; found is false when LINE does not
// give it (the user blocked the account, or never was a friend).
func (c *client) profile(ctx context.Context, userID string) (p profile, found bool, err error) {
	var raw json.RawMessage
	_, err = c.http.Get(ctx, "/v2/bot/profile/"+url.PathEscape(userID), nil, &raw)
	var he *httpx.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return profile{UserID: userID}, false, nil
	}
	if err != nil {
		return profile{}, false, err
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return profile{}, false, err
	}
	p.raw = raw
	return p, true, nil
}

// followerIDs is GET /v2/bot/followers/ids.
type followerIDs struct {
	UserIDs []string `json:"userIds"`
	Next    string   `json:"next"`
}

func (c *client) followers(ctx context.Context, start string) (followerIDs, error) {
	q := url.Values{"limit": {strconv.Itoa(FollowersPageSize)}}
	if start != "" {
		q.Set("start", start)
	}
	var out followerIDs
	_, err := c.http.Get(ctx, "/v2/bot/followers/ids", q, &out)
	return out, err
}
