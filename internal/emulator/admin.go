package emulator

import (
	"encoding/json"
	"io"
	"net/http"
)

// serveAdmin serves the sandbox's own endpoints. They are not AWS APIs and
// take no signature; the sandbox binds loopback so only local users reach
// them.
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/_sandbox/state" && r.Method == http.MethodGet:
		b, err := e.Snapshot()
		if err != nil {
			writeJSON(w, 500, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(200)
		w.Write(b)
	case r.URL.Path == "/_sandbox/state" && r.Method == http.MethodPut:
		b, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err == nil {
			err = e.Restore(b)
		}
		if err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, 200, map[string]string{"status": "restored"})
	case r.URL.Path == "/_sandbox/reset" && r.Method == http.MethodPost:
		// ?scenario=NAME resets to a built-in scenario; a body, if any, is a
		// scenario file.
		var (
			s   *State
			err error
		)
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if len(b) > 0 {
			s, err = LoadScenario("request body", b)
		} else {
			s, err = Builtin(r.URL.Query().Get("scenario"))
		}
		if err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		e.Reset(s)
		writeJSON(w, 200, map[string]string{"status": "reset"})
	case r.URL.Path == "/_sandbox/stats" && r.Method == http.MethodGet:
		st := e.Stats()
		if st.Operations == nil {
			st.Operations = map[string]OpStats{}
		}
		b, _ := json.MarshalIndent(st, "", "  ")
		w.WriteHeader(200)
		w.Write(b)
	case r.URL.Path == "/_sandbox/stats" && r.Method == http.MethodDelete:
		e.ResetStats()
		writeJSON(w, 200, map[string]string{"status": "cleared"})
	case r.URL.Path == "/_sandbox/evaluate" && r.Method == http.MethodPost:
		e.Evaluate()
		writeJSON(w, 200, map[string]string{"status": "evaluated"})
	default:
		writeJSON(w, 404, map[string]string{"error": "no such sandbox endpoint: " + r.Method + " " + r.URL.Path})
	}
}
