package accounts_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/prepoznaj/prepoznaj/accounts"
	"github.com/prepoznaj/prepoznaj/apitest"
)

func csvImport(s *apitest.Server, f *apitest.Fixture, who string, inst int64, body string) *apitest.Response {
	return s.As(f, who, apitest.Request{Method: "POST", Path: "/api/v1/institutions/" + itoa(inst) + "/invitations/import",
		Body: body, Header: map[string]string{"Content-Type": "text/csv"}})
}

func TestCSVImportReportsEveryRow(t *testing.T) {
	t.Logf("dialect: %s", apitest.DialectName())
	s := apitest.New(t)
	f := s.NewFixture()
	body := "email,name,profession\n" +
		"nova.policajka@mup.test,Nova Policajka,police\n" + // invited
		"not-an-email,Neko,police\n" + // bad email
		"NOVA.POLICAJKA@mup.test,Ista Osoba,police\n" + // duplicate in file
		"learner@b.test,Marko Petrović,education\n" + // member elsewhere
		"learner@a.test,Milica Jovanović,police\n" + // already member here
		"treci@mup.test,Treći Čovek,astronaut\n" + // bad profession
		"=cmd|x@mup.test,Formula,police\n" + // bad email, still reported
		"drugi@mup.test,\"Drugi, Inspektor\",\n" // invited, no profession
	r := csvImport(s, f, "manager_same", f.InstA, body).WantStatus(200)
	var rep accounts.ImportReport
	r.JSON(&rep)
	want := []struct {
		line           int
		status, reason string
	}{
		{2, "invited", ""}, {3, "rejected", "invalid_email"}, {4, "rejected", "duplicate_in_file"},
		{5, "rejected", "member_elsewhere"}, {6, "rejected", "already_member"}, {7, "rejected", "invalid_profession"},
		{8, "rejected", "invalid_email"}, {9, "invited", ""},
	}
	if len(rep.Rows) != len(want) || rep.Invited != 2 || rep.Rejected != 6 {
		t.Fatalf("report = %+v", rep)
	}
	for i, w := range want {
		got := rep.Rows[i]
		if got.Line != w.line || got.Status != w.status || got.Reason != w.reason {
			t.Errorf("row %d = %+v, want line %d %s %s", i, got, w.line, w.status, w.reason)
		}
		if (w.status == "invited") != (got.Code != "") {
			t.Errorf("row %d: code %q", i, got.Code)
		}
	}
	// Importing again: the pending invitation is reported, not duplicated.
	r = csvImport(s, f, "manager_same", f.InstA, "nova.policajka@mup.test,Nova Policajka,police\n").WantStatus(200)
	r.JSON(&rep)
	if rep.Rows[0].Reason != "already_invited" {
		t.Fatalf("second import: %+v", rep.Rows)
	}
	// The bound code admits only its own email.
	code := ""
	csvImport(s, f, "manager_same", f.InstA, "peta@mup.test,Peta Osoba,police\n").JSON(&rep)
	code = rep.Rows[0].Code
	p := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: map[string]any{
		"email": "uljez@mup.test", "password": "mracna-noc-4321", "full_name": "Uljez", "invitation_code": code}})
	p.WantProblem(422, "invalid_invitation")
	// ...and the failed sign-up created no account.
	var n int64
	s.DB.Raw("SELECT count(*) FROM users WHERE email_key = 'uljez@mup.test'").Scan(&n)
	if n != 0 {
		t.Fatal("a refused sign-up left an account behind")
	}
	reg := s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: map[string]any{
		"email": "Peta@mup.test", "password": "mracna-noc-4321", "full_name": "Peta Osoba", "invitation_code": code}}).WantStatus(201)
	var sess struct {
		User struct {
			Profession  string `json:"profession"`
			Institution struct {
				ID int64 `json:"id"`
			} `json:"institution"`
		} `json:"user"`
	}
	reg.JSON(&sess)
	if sess.User.Institution.ID != f.InstA || sess.User.Profession != "police" {
		t.Fatalf("joined %+v", sess.User)
	}
	// Another institution's manager cannot import into A, nor see its invitations.
	csvImport(s, f, "manager_other", f.InstA, body).WantProblem(404, "institution_not_found")
	s.As(f, "manager_other", apitest.Request{Method: "GET", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations"}).WantProblem(404, "institution_not_found")
	csvImport(s, f, "manager_same", f.InstA, "a,\"b\n").WantProblem(400, "invalid_csv")
}

func TestInvitationExpiryUseAndRevocation(t *testing.T) {
	s := apitest.New(t)
	f := s.NewFixture()
	var inv accounts.Invitation
	s.As(f, "manager_same", apitest.Request{Method: "POST", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations", Body: map[string]any{"max_uses": 2, "expires_in_days": 7}}).WantStatus(201).JSON(&inv)
	if len(inv.Code) != 19 || inv.Status != "active" {
		t.Fatalf("invitation %+v", inv)
	}
	// Codes are accepted as people type them.
	typed := "  " + lower(inv.Code[:4]) + inv.Code[5:9] + " " + inv.Code[10:] + " "
	for i, email := range []string{"prvi@x.test", "drugi@x.test"} {
		code := inv.Code
		if i == 0 {
			code = typed
		}
		s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: map[string]any{"email": email, "password": "duga-staza-135", "full_name": "Osoba", "invitation_code": code}}).WantStatus(201)
	}
	// Used up.
	s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: map[string]any{"email": "treci@x.test", "password": "duga-staza-135", "full_name": "Osoba", "invitation_code": inv.Code}}).WantProblem(422, "invalid_invitation")
	// Expired: make one and move it into the past.
	var old accounts.Invitation
	s.As(f, "manager_same", apitest.Request{Method: "POST", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations", Body: map[string]any{"max_uses": 5, "expires_in_days": 1}}).WantStatus(201).JSON(&old)
	s.DB.Exec("UPDATE invitations SET expires_at = ? WHERE id = ?", time.Now().Add(-time.Minute).UTC(), old.ID)
	s.As(f, "trainer", apitest.Request{Method: "POST", Path: "/api/v1/me/institution", Body: map[string]any{"invitation_code": old.Code}}).WantProblem(422, "invalid_invitation")
	// Revoked.
	var rev accounts.Invitation
	s.As(f, "manager_same", apitest.Request{Method: "POST", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations", Body: map[string]any{"max_uses": 5, "expires_in_days": 1}}).WantStatus(201).JSON(&rev)
	s.As(f, "manager_same", apitest.Request{Method: "DELETE", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations/" + itoa(rev.ID)}).WantStatus(204)
	s.As(f, "trainer", apitest.Request{Method: "POST", Path: "/api/v1/me/institution", Body: map[string]any{"invitation_code": rev.Code}}).WantProblem(422, "invalid_invitation")
	// A member of another institution cannot join with a valid code.
	var fresh accounts.Invitation
	s.As(f, "manager_same", apitest.Request{Method: "POST", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations", Body: map[string]any{"max_uses": 5, "expires_in_days": 1}}).WantStatus(201).JSON(&fresh)
	s.As(f, "learner_b", apitest.Request{Method: "POST", Path: "/api/v1/me/institution", Body: map[string]any{"invitation_code": fresh.Code}}).WantProblem(409, "member_elsewhere")
	s.As(f, "trainer", apitest.Request{Method: "POST", Path: "/api/v1/me/institution", Body: map[string]any{"invitation_code": fresh.Code}}).WantStatus(200)
	// Listing shows statuses but never the codes again.
	var list struct {
		Items []accounts.Invitation `json:"items"`
	}
	s.As(f, "manager_same", apitest.Request{Method: "GET", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/invitations"}).WantStatus(200).JSON(&list)
	statuses := map[string]int{}
	for _, it := range list.Items {
		statuses[it.Status]++
		if it.Code != "" {
			t.Fatal("a listed invitation shows its code")
		}
	}
	if statuses["used_up"] != 1 || statuses["expired"] != 1 || statuses["revoked"] != 1 || statuses["active"] != 1 {
		t.Fatalf("statuses %v", statuses)
	}
}

// A single-use code admits exactly one person however many try at once.
func TestSingleUseInvitationUnderConcurrency(t *testing.T) {
	s := apitest.New(t)
	f := s.NewFixture()
	mgr := &accounts.Principal{UserID: f.Users["manager_same"], Manager: true, InstitutionID: f.InstA}
	inv, err := s.App.Accounts.CreateInvitation(context.Background(), mgr, f.InstA, accounts.InvitationInput{MaxUses: 1, ExpiresIn: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = s.Do(apitest.Request{Method: "POST", Path: "/api/v1/auth/register", Body: map[string]any{
				"email": "k" + itoa(int64(i)) + "@x.test", "password": "duga-staza-135", "full_name": "Osoba", "invitation_code": inv.Code}}).Code
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		if c == 201 {
			created++
		}
	}
	var members int64
	s.DB.Raw("SELECT count(*) FROM users WHERE institution_id = ?", f.InstA).Scan(&members)
	if created != 1 || members != 3 { // learner, manager_same and the one newcomer
		t.Fatalf("created %d (codes %v), members %d", created, codes, members)
	}
}

func TestManagersSeeOnlyTheirMembers(t *testing.T) {
	s := apitest.New(t)
	f := s.NewFixture()
	var list struct {
		Items []accounts.Member `json:"items"`
		Total int64             `json:"total"`
	}
	s.As(f, "manager_same", apitest.Request{Method: "GET", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/members"}).WantStatus(200).JSON(&list)
	if list.Total != 2 {
		t.Fatalf("members of A: %+v", list)
	}
	for _, m := range list.Items {
		if m.Email == "learner@b.test" {
			t.Fatal("a member of B is listed in A")
		}
	}
	// Removing B's learner through A's address finds no such member.
	s.As(f, "manager_same", apitest.Request{Method: "DELETE", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/members/" + itoa(f.Users["learner_b"])}).WantProblem(404, "member_not_found")
	s.As(f, "manager_other", apitest.Request{Method: "DELETE", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/members/" + itoa(f.Users["learner"])}).WantProblem(404, "institution_not_found")
	s.As(f, "manager_same", apitest.Request{Method: "DELETE", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/members/" + itoa(f.Users["learner"])}).WantStatus(204)
	var audit struct {
		Items []accounts.AuditEvent `json:"items"`
	}
	s.As(f, "admin", apitest.Request{Method: "GET", Path: "/api/v1/audit?action=membership.remove"}).WantStatus(200).JSON(&audit)
	if len(audit.Items) != 1 || audit.Items[0].TargetID != itoa(f.Users["learner"]) || audit.Items[0].RequestID == "" {
		t.Fatalf("audit %+v", audit.Items)
	}
	// The audit log is append-only in the database itself.
	if err := s.DB.Exec("DELETE FROM audit_events").Error; err == nil {
		t.Fatal("audit_events rows could be deleted")
	}
	if err := s.DB.Exec("UPDATE audit_events SET outcome = 'x'").Error; err == nil {
		t.Fatal("audit_events rows could be changed")
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// Names are found whatever the script or diacritics typed (SQLite's LOWER
// folds only ASCII).
func TestMemberSearchFoldsScriptAndDiacritics(t *testing.T) {
	s := apitest.New(t)
	f := s.NewFixture()
	s.As(f, "learner", apitest.Request{Method: "PATCH", Path: "/api/v1/me", Body: map[string]any{"full_name": "Милица Čolić"}}).WantStatus(200)
	for _, q := range []string{"Čolić", "čolić", "colic", "Чолић", "milica", "МИЛИЦА", "learner@a"} {
		var list struct {
			Total int64 `json:"total"`
		}
		s.As(f, "manager_same", apitest.Request{Method: "GET", Path: "/api/v1/institutions/" + itoa(f.InstA) + "/members?q=" + url.QueryEscape(q)}).WantStatus(200).JSON(&list)
		if list.Total != 1 {
			t.Errorf("members?q=%s found %d, want 1", q, list.Total)
		}
	}
	var users struct {
		Total int64 `json:"total"`
	}
	s.As(f, "admin", apitest.Request{Method: "GET", Path: "/api/v1/users?q=" + url.QueryEscape("ЂОРЂЕВИЋ")}).WantStatus(200).JSON(&users)
	if users.Total != 1 {
		t.Errorf("users?q=ЂОРЂЕВИЋ found %d, want the trainer", users.Total)
	}
	var insts struct {
		Total int64 `json:"total"`
	}
	s.As(f, "admin", apitest.Request{Method: "GET", Path: "/api/v1/institutions?q=" + url.QueryEscape("КАРАЏИЋ")}).WantStatus(200).JSON(&insts)
	if insts.Total != 1 {
		t.Errorf("institutions?q=КАРАЏИЋ found %d", insts.Total)
	}
}
