package emulator

import (
	"fmt"
	"net/http"
)

func (e *Emulator) serveSTS(c *call) {
	vals, _ := parseQuery(c.body)
	e.mu.Lock()
	if err := e.admit(c, c.caller); err != nil {
		e.mu.Unlock()
		e.fail(c, *err)
		return
	}
	e.mu.Unlock()
	if c.op != "GetCallerIdentity" {
		e.fail(c, apiError{status: 400, code: "InvalidAction", msg: fmt.Sprintf("Could not find operation %s for version %s", c.op, vals.Get("Version"))})
		return
	}
	c.w.Header().Set("Content-Type", "text/xml")
	c.w.WriteHeader(http.StatusOK)
	fmt.Fprintf(c.w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>AIDASANDBOX%s</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>%s</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`, xmlEscape(c.arn), c.caller, c.caller, c.reqID)
}
