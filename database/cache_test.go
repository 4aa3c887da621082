package database

import (
	"testing"
	"time"
)

func TestCacheBoundsAgeAndSize(t *testing.T) {
	c := NewCache[int, string](2, time.Hour)
	c.Live(true)
	c.Put(c.Gen(), 1, "a")
	c.Put(c.Gen(), 2, "b")
	if v, ok := c.Get(2); !ok || v != "b" {
		t.Fatalf("Get(2) = %q, %v", v, ok)
	}
	c.Put(c.Gen(), 3, "c") // full: the map starts afresh
	if _, ok := c.Get(1); ok {
		t.Fatal("a full cache kept its old entries")
	}
	if v, ok := c.Get(3); !ok || v != "c" {
		t.Fatalf("Get(3) = %q, %v", v, ok)
	}

	old := NewCache[int, string](10, time.Millisecond)
	old.Live(true)
	old.Put(old.Gen(), 1, "a")
	time.Sleep(5 * time.Millisecond)
	if _, ok := old.Get(1); ok {
		t.Fatal("an entry older than maxAge answered")
	}
}
