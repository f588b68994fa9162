package verify

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/altcontacts/altcontacts/internal/awsorg"
)

// ConfigSource is what verify read through AWS Config.
type ConfigSource struct {
	Region string `json:"region"`
	// Aggregator is the aggregator read; empty for a standalone account,
	// which reads its own rule.
	Aggregator string `json:"aggregator"`
	// Rules are the rules found by the source identifier
	// SECURITY_ACCOUNT_INFORMATION_PROVIDED, and how each was deployed.
	Rules []awsorg.ConfigRule `json:"rules"`
	// Calls counts the AWS Config compliance reads made (aggregate pages
	// and per-account detail reads), for the report and benchmarks.
	Calls int `json:"calls"`
}

// configSource is the AWS Config reading in progress.
type configSource struct {
	ConfigSource
	names      awsorg.RuleNames
	account    string
	standalone bool
	// recorded caches a result's ResultRecordedTime by account and rule
	// while its compliance stays the same, so --wait reads each at most
	// once.
	recorded map[string]awsorg.ConfigResult
}

// ConfigUnavailableError says why AWS Config cannot give Account.1 here:
// no rule with the source identifier, no organization aggregator, or a
// read that failed (Err). It is awsorg.ErrNotSubscribed to errors.Is
// unless Err is an AWS error of its own kind.
type ConfigUnavailableError struct {
	Reason string
	Err    error
}

func (e *ConfigUnavailableError) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *ConfigUnavailableError) Unwrap() error { return e.Err }

func (e *ConfigUnavailableError) Is(target error) bool {
	return e.Err == nil && target == awsorg.ErrNotSubscribed
}

// setupConfig finds the rule (by source identifier) and, in an
// organization, the aggregator to read it through.
func setupConfig(ctx context.Context, c *awsorg.Client, aggregator string) (*configSource, error) {
	id, err := c.Identity(ctx)
	if err != nil {
		return nil, &ConfigUnavailableError{Reason: "cannot identify the caller", Err: err}
	}
	cs := &configSource{ConfigSource: ConfigSource{Region: c.HubRegion(), Rules: []awsorg.ConfigRule{}}, account: id.Account,
		recorded: map[string]awsorg.ConfigResult{}}
	own, err := c.Account1Rules(ctx)
	if err != nil {
		return nil, &ConfigUnavailableError{Reason: "cannot list AWS Config rules", Err: err}
	}
	_, oerr := c.Organization(ctx)
	standalone := errors.Is(oerr, awsorg.ErrNotInOrganization)
	if oerr != nil && !standalone {
		return nil, &ConfigUnavailableError{Reason: "cannot describe the organization", Err: oerr}
	}
	cs.Rules = append(cs.Rules, own...)
	if !standalone {
		// Only the management account or Config's delegated administrator
		// may list organization rules; without them, the caller's own
		// rules still name the family.
		if org, err := c.Account1OrganizationRules(ctx); err == nil {
			cs.Rules = append(cs.Rules, org...)
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if len(cs.Rules) == 0 {
		return nil, &ConfigUnavailableError{Reason: "no AWS Config rule with source " + awsorg.Account1RuleIdentifier + " in " + cs.Region}
	}
	if standalone {
		if aggregator != "" {
			return nil, &ConfigUnavailableError{Reason: "--config-aggregator: this account is not in an organization; it reads its own rule"}
		}
		cs.standalone = true
	} else {
		aggs, err := c.Aggregators(ctx)
		if err != nil {
			return nil, &ConfigUnavailableError{Reason: "cannot list AWS Config aggregators", Err: err}
		}
		agg, err := awsorg.ChooseAggregator(aggs, aggregator)
		var choice *awsorg.AggregatorChoiceError
		switch {
		case errors.As(err, &choice):
			return nil, err
		case errors.Is(err, awsorg.ErrNoAggregator):
			return nil, &ConfigUnavailableError{Reason: "no AWS Config aggregator with an organization source in " + cs.Region}
		case err != nil:
			return nil, &ConfigUnavailableError{Reason: "cannot use the AWS Config aggregator", Err: err}
		}
		cs.Aggregator = agg.Name
	}
	cs.names = awsorg.NewRuleNames(cs.Rules)
	return cs, nil
}

// results reads the rule's results: one paginated aggregate read for the
// organization, or the standalone account's own results.
func (cs *configSource) results(ctx context.Context, c *awsorg.Client) ([]awsorg.ConfigResult, error) {
	if cs.standalone {
		cs.Calls += len(cs.Rules)
		// Own results carry their ResultRecordedTime already.
		return c.OwnResults(ctx, cs.account, cs.Region, cs.Rules)
	}
	rs, pages, err := c.AggregateCompliance(ctx, cs.Aggregator, cs.names)
	cs.Calls += pages
	return rs, err
}

// detailWorkers bounds the detail reads in flight. They wait for the
// shared Config bucket anyway; a few at once keep a request's round trip
// from stretching the run beyond the pacing bound.
const detailWorkers = 4

// withTimes completes the results of the accounts whose verdict needs
// evaluation times (needTimes) with their ResultRecordedTime: one detail
// read per account and rule, cached while the compliance is unchanged, a
// few in flight at once. It returns each account's read error.
func (cs *configSource) withTimes(ctx context.Context, c *awsorg.Client, byAccount map[string][]awsorg.ConfigResult, live []string) (map[string]error, error) {
	failed := map[string]error{}
	if cs.standalone {
		return failed, nil // own results carry their times
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(detailWorkers)
	for _, id := range live {
		found := byAccount[id]
		if !needTimes(found) {
			continue
		}
		for i := range found {
			r := found[i]
			key := r.AccountID + "/" + r.Region + "/" + r.Rule
			mu.Lock()
			got, ok := cs.recorded[key]
			mu.Unlock()
			if ok && got.Compliance == r.Compliance {
				found[i] = got
				continue
			}
			g.Go(func() error {
				got, ok, err := c.AggregateResult(gctx, cs.Aggregator, r)
				mu.Lock()
				defer mu.Unlock()
				cs.Calls++
				switch {
				case gctx.Err() != nil:
					return gctx.Err()
				case err != nil:
					failed[id] = err
				case ok:
					cs.recorded[key] = got
					found[i] = got
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return failed, nil
}

// judgeConfig sets the status of the accounts with a contact from the
// rule's results; it returns how many are PENDING.
func (r *Report) judgeConfig(ctx context.Context, c *awsorg.Client, live []string, cs *configSource) (int, error) {
	if len(live) == 0 {
		return 0, nil
	}
	rs, err := cs.results(ctx, c)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		for _, id := range live {
			r.set(id, Unknown, "cannot read AWS Config's results: "+err.Error(), nil)
		}
		return 0, nil
	}
	if len(rs) == 0 && !cs.standalone {
		// An aggregator shows nothing until it has collected its sources'
		// first results: a new one is still being set up.
		for _, id := range live {
			r.set(id, Unknown, fmt.Sprintf("the AWS Config aggregator %s holds no result of the rule yet: a new aggregator takes a while to collect the organization's results (or the rule runs in no account of it)", cs.Aggregator), nil)
		}
		return 0, nil
	}
	byAccount := map[string][]awsorg.ConfigResult{}
	for _, x := range rs {
		byAccount[x.AccountID] = append(byAccount[x.AccountID], x)
	}
	failed, err := cs.withTimes(ctx, c, byAccount, live)
	if err != nil {
		return 0, err
	}
	pending := 0
	for _, id := range live {
		if err := failed[id]; err != nil {
			r.set(id, Unknown, "cannot read AWS Config's result details: "+err.Error(), nil)
			continue
		}
		status, reason, f := configVerdict(byAccount[id], cs.Region)
		if status == Pending {
			pending++
		}
		r.set(id, status, reason, f)
	}
	return pending, nil
}

// needTimes says whether the verdict needs the results' evaluation times:
// when one is NON_COMPLIANT (PENDING shows when the last evaluation was),
// or when several rules disagree (the most recent wins).
func needTimes(rs []awsorg.ConfigResult) bool {
	for _, x := range rs {
		if x.Compliance != rs[0].Compliance || x.Compliance != "COMPLIANT" {
			return true
		}
	}
	return false
}

// configVerdict maps an account's results of the rule (an account with a
// SECURITY contact) as the Security Hub paths map findings: COMPLIANT is
// PASSED; NON_COMPLIANT means the contact was written after the last
// evaluation (the rule fails only without one), so PENDING until the next;
// no result is UNKNOWN with the reason. With several rules, the most
// recent result wins and the finding names its rule.
func configVerdict(rs []awsorg.ConfigResult, region string) (status, reason string, f *Finding) {
	if len(rs) == 0 {
		return Unknown, "AWS Config holds no result of the rule for this account in " + region +
			": the rule is not deployed there, or has not evaluated it yet", nil
	}
	latest := append([]awsorg.ConfigResult(nil), rs...)
	sort.SliceStable(latest, func(i, j int) bool {
		if !latest[i].Recorded.Equal(latest[j].Recorded) {
			return latest[i].Recorded.After(latest[j].Recorded)
		}
		return latest[i].Rule < latest[j].Rule
	})
	x := latest[0]
	f = &Finding{ID: x.Rule + "/AWS::::Account/" + x.AccountID, Rule: x.Rule, EvaluatedAt: x.Recorded}
	if !x.Recorded.IsZero() {
		f.NextBy = x.Recorded.Add(EvaluationPeriod)
	}
	var others []string
	for _, y := range latest[1:] {
		others = append(others, y.Rule+" "+y.Compliance)
	}
	also := ""
	if len(others) > 0 {
		also = "; the most recent of " + fmt.Sprint(len(latest)) + " rules (also " + strings.Join(others, ", ") + ")"
	}
	switch x.Compliance {
	case "COMPLIANT":
		f.Status = "PASSED"
		if also != "" {
			return Passed, "AWS Config rule " + x.Rule + " COMPLIANT" + also, f
		}
		return Passed, "", f
	case "NON_COMPLIANT":
		f.Status = "FAILED"
		when := "its last evaluation"
		if !x.Recorded.IsZero() {
			when = "the evaluation at " + x.Recorded.UTC().Format(time.RFC3339) + "; the next is due by " + f.NextBy.UTC().Format(time.RFC3339)
		}
		return Pending, "a contact is set; AWS Config rule " + x.Rule + " still says NON_COMPLIANT from " + when + also, f
	case "INSUFFICIENT_DATA":
		f.Status = "NOT_AVAILABLE"
		return Pending, "a contact is set; AWS Config rule " + x.Rule + " has no verdict yet (INSUFFICIENT_DATA)" + also, f
	}
	f.Status = "NOT_AVAILABLE"
	return Unknown, "AWS Config rule " + x.Rule + " says " + x.Compliance + " for this account" + also, f
}

// ValidAggregatorName reports whether name is an AWS Config aggregator
// name, as the API model's pattern ^[\w\-]{1,256}$ has it: checked before
// anything is called, so a typo is the user's input error.
func ValidAggregatorName(name string) bool {
	return len(name) <= 256 && aggregatorNameRE.MatchString(name)
}

// aggregatorNameRE is the model's pattern without its count, the length
// checked beside it: a counted repeat compiles to a copy per count, on
// every start of the program.
var aggregatorNameRE = regexp.MustCompile(`^[\w\-]+$`)
