package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// A Source is one of the shop's tools: a connector type and the fake
// vendor that stands in for it, filled from the World.
type Source interface {
	// Name is the connector's name in the demo configuration.
	Name() string
	// Record tells the tool about a happening; it keeps what the real
	// tool would know of it and ignores the rest.
	Record(h Happening) error
	// Handler serves the fake vendor's API; nil for a file source.
	Handler() http.Handler
	// Connector is the source's entry in the configuration, given the
	// fake's base URL (empty without a Handler) and the demo directory,
	// where a file source writes its files.
	Connector(baseURL, dir string) (Connector, error)
	// Owners is the truth behind the tool's records: the person each
	// one is, by the id the connector stores it under (its external id).
	Owners() map[string]int
}

// Connector is one entry of the configuration's connectors list.
type Connector struct {
	Name     string         `yaml:"name"`
	Type     string         `yaml:"type"`
	Schedule string         `yaml:"schedule"` // how often the daemon runs it: the caller decides
	Options  map[string]any `yaml:"options"`
}

// Sources are the fakes of every connector type that has one, empty until
// Open fills them, most trusted for a customer's name and contacts first:
// the register, the old register, the newsletter, the booking form.
func Sources(w *World) []Source {
	return []Source{newSquare(w), newLegacyCSV(w), newFreee(w), newXero(w), newMailchimp(w), newCalendly(w), newMessenger(w), newLINE(w)}
}

// A Pusher is a Source whose tool pushes webhooks (LINE): what it pushed
// since the last call, signed as the vendor signs it, for the daemon's
// /webhooks/<connector> endpoint.
type Pusher interface {
	Deliveries() []*http.Request
}

// Delivery is one webhook request for a connector.
type Delivery struct {
	Connector string
	Request   *http.Request
}

// Deliveries returns what the shop's pushing tools sent since the last
// call.
func (s *Shop) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Delivery
	for _, src := range s.Sources {
		if p, ok := src.(Pusher); ok {
			for _, r := range p.Deliveries() {
				out = append(out, Delivery{Connector: src.Name(), Request: r})
			}
		}
	}
	return out
}

// Shop runs the fakes of a World on loopback listeners.
type Shop struct {
	World   *World
	Sources []Source

	mu      sync.Mutex // guards the World, the sources and people
	people  map[int]bool
	servers []*http.Server
	wg      sync.WaitGroup
}

// Open tells every source the world's history, starts each fake on a
// loopback port and returns the connectors that read them. Close stops
// the fakes.
func Open(w *World, sources []Source, dir string) (*Shop, []Connector, error) {
	s := &Shop{World: w, Sources: sources, people: map[int]bool{}}
	for _, h := range w.History() {
		if err := s.record(h); err != nil {
			return nil, nil, err
		}
	}
	var conns []Connector
	for _, src := range sources {
		base := ""
		if h := src.Handler(); h != nil {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				s.Close()
				return nil, nil, fmt.Errorf("demo: starting the %s fake: %w", src.Name(), err)
			}
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
			s.servers = append(s.servers, srv)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					fmt.Fprintf(os.Stderr, "demo: the %s fake stopped: %v\n", src.Name(), err)
				}
			}()
			base = "http://" + ln.Addr().String()
		}
		c, err := src.Connector(base, dir)
		if err != nil {
			s.Close()
			return nil, nil, fmt.Errorf("demo: %s: %w", src.Name(), err)
		}
		conns = append(conns, c)
	}
	return s, conns, nil
}

// Tick lets time pass in the shop: what happens is told to every tool and
// returned.
func (s *Shop) Tick(now time.Time) ([]Happening, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hs := s.World.Tick(now)
	for i := range hs {
		hs[i].Live = true
	}
	for _, h := range hs {
		if err := s.recordLocked(h); err != nil {
			return hs, err
		}
	}
	return hs, nil
}

func (s *Shop) record(h Happening) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordLocked(h)
}

func (s *Shop) recordLocked(h Happening) error {
	if h.Person != nil {
		s.people[h.Person.ID] = true
	}
	var errs []error
	for _, src := range s.Sources {
		if err := src.Record(h); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", src.Name(), err))
		}
	}
	return errors.Join(errs...)
}

// People is how many real people the tools know of: the number of
// customers perfect identity resolution would find.
func (s *Shop) People() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.people)
}

// Owners is the truth behind every tool's records: the person each is, by
// connector name and external id.
func (s *Shop) Owners() map[string]map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]map[string]int, len(s.Sources))
	for _, src := range s.Sources {
		out[src.Name()] = src.Owners()
	}
	return out
}

// Close stops the fakes.
func (s *Shop) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range slices.Backward(s.servers) {
		errs = append(errs, srv.Shutdown(ctx))
	}
	s.wg.Wait()
	return errors.Join(errs...)
}

// Names are the connector names of the sources.
func Names(sources []Source) []string {
	out := make([]string, len(sources))
	for i, s := range sources {
		out[i] = s.Name()
	}
	return out
}

// writeFile writes data to dir/rel, creating its directory.
func writeFile(dir, rel string, data []byte) error {
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}
