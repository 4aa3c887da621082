package accounts

import "testing"

func TestPrincipalCacheKeepsAndForgets(t *testing.T) {
	c := newPrincipalCache()
	p := &Principal{UserID: 7, SessionID: "fam-a", Email: "a@b.test"}
	c.put(c.Gen(), p)
	if _, ok := c.get(7, "fam-a"); ok {
		t.Fatal("a cache that is off must not answer")
	}
	c.Live(true)
	c.put(c.Gen(), p)
	got, ok := c.get(7, "fam-a")
	if !ok || got.Email != "a@b.test" {
		t.Fatalf("get = %v, %v", got, ok)
	}
	got.Email = "changed"
	if again, _ := c.get(7, "fam-a"); again.Email != "a@b.test" {
		t.Fatal("callers must get a copy")
	}
	if _, ok := c.get(7, "fam-b"); ok {
		t.Fatal("another session of the same user is its own entry")
	}

	c.put(c.Gen(), &Principal{UserID: 7, SessionID: "fam-b"})
	c.put(c.Gen(), &Principal{UserID: 8, SessionID: "fam-c"})
	c.forgetLocal(0, "fam-a")
	if _, ok := c.get(7, "fam-a"); ok {
		t.Fatal("a revoked session is forgotten")
	}
	if _, ok := c.get(7, "fam-b"); !ok {
		t.Fatal("only that session is forgotten")
	}
	c.forgetLocal(7, "")
	if _, ok := c.get(7, "fam-b"); ok {
		t.Fatal("a changed user is forgotten in every session")
	}
	if _, ok := c.get(8, "fam-c"); !ok {
		t.Fatal("other users stay")
	}
}

// A lookup that read the database before a change committed must not be stored after the
// change was forgotten: otherwise the old state would outlive the change.
func TestPrincipalCacheRefusesLookupsOverlappingAForget(t *testing.T) {
	c := newPrincipalCache()
	c.Live(true)
	gen := c.Gen()       // the lookup starts
	c.forgetLocal(9, "") // a change to user 9 commits meanwhile
	c.put(gen, &Principal{UserID: 9, SessionID: "s"})
	if _, ok := c.get(9, "s"); ok {
		t.Fatal("a lookup older than a forget was stored")
	}
	c.put(c.Gen(), &Principal{UserID: 9, SessionID: "s"})
	if _, ok := c.get(9, "s"); !ok {
		t.Fatal("a fresh lookup is stored")
	}
}

func TestPrincipalCacheNotices(t *testing.T) {
	c := newPrincipalCache()
	c.Live(true)
	for _, k := range []sessionKey{{1, "a"}, {1, "b"}, {2, "c"}, {3, "d"}} {
		c.put(c.Gen(), &Principal{UserID: k.uid, SessionID: k.sid})
	}
	c.Notice("u:1")
	c.Notice("s:c")
	for k, want := range map[sessionKey]bool{{1, "a"}: false, {1, "b"}: false, {2, "c"}: false, {3, "d"}: true} {
		if _, ok := c.get(k.uid, k.sid); ok != want {
			t.Errorf("%v cached = %v, want %v", k, ok, want)
		}
	}
	c.Notice("garbage")
	if _, ok := c.get(3, "d"); ok {
		t.Fatal("a notice that cannot be read empties the cache")
	}
}
