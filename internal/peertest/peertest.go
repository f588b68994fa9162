// Package peertest finds the real third-party peers (the AWS CLI,
// moto_server) that tests check altcontacts against. A missing peer skips
// the test with a clear message, unless ALTCONTACTS_REQUIRE_PEERS=1 (as CI
// sets), where it fails: there a skip would hide that nothing was proven.
package peertest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Require returns the path of the peer command name, or skips (fails when
// peers are required) the test.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	Missing(t, fmt.Sprintf("peer %q not found on PATH (%v)", name, err))
	return ""
}

// Missing skips the test because a peer (or a part of one, such as a
// Python module) is absent, saying which; it fails the test instead when
// ALTCONTACTS_REQUIRE_PEERS=1.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("ALTCONTACTS_REQUIRE_PEERS") == "1" {
		t.Fatalf("%s; ALTCONTACTS_REQUIRE_PEERS=1 makes this a failure", msg)
	}
	t.Skipf("%s; skipping (set ALTCONTACTS_REQUIRE_PEERS=1 to fail instead)", msg)
}

// Moto starts moto_server on a free loopback port and returns its URL. The
// server is stopped when the test ends.
func Moto(t testing.TB) string {
	t.Helper()
	url, stop := startMoto(t)
	t.Cleanup(stop)
	return url
}

// SharedMoto returns the URL of one moto_server shared by every test of
// the test binary that asks for it, started by the first: moto keeps
// each service's state apart (an organization, S3 buckets), and each
// start costs about a second of Python. The test binary's TestMain must
// call [StopShared] after its tests, or the server outlives them.
func SharedMoto(t testing.TB) string {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.motoURL == "" {
		shared.motoURL, shared.motoStop = startMoto(t)
	}
	return shared.motoURL
}

// StopShared stops what [AWS] and [SharedMoto] started; call it from
// TestMain after the tests have run.
func StopShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.aws != nil {
		shared.aws.stop()
		shared.aws = nil
	}
	if shared.motoStop != nil {
		shared.motoStop()
		shared.motoURL, shared.motoStop = "", nil
	}
}

// shared holds the peers a test binary starts once.
var shared struct {
	mu       sync.Mutex
	aws      *AWSCLI
	motoURL  string
	motoStop func()
}

// startMoto starts moto_server and waits until it answers.
func startMoto(t testing.TB) (url string, stop func()) {
	t.Helper()
	bin := Require(t, "moto_server")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start moto_server: %v", err)
	}
	go func() {
		// Drain moto's request log so it never blocks on a full pipe.
		s := bufio.NewScanner(stderr)
		for s.Scan() {
		}
	}()
	stop = func() {
		cancel()
		cmd.Wait()
	}
	url = fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url, stop
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	t.Fatalf("moto_server did not answer on %s within 30s", url)
	return "", nil
}
