package awsorg

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"
)

// Identity is the caller.
type Identity struct {
	Account string `json:"account_id"`
	ARN     string `json:"arn"`
	// Partition is the ARN's: aws, aws-cn, aws-us-gov, ...
	Partition string `json:"partition"`
}

// Identity asks STS who the caller is (once per client). The ARN's
// partition selects the quota table from then on.
func (c *Client) Identity(ctx context.Context) (Identity, error) {
	c.mu.Lock()
	if c.identity != nil {
		id := *c.identity
		c.mu.Unlock()
		return id, nil
	}
	c.mu.Unlock()
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, classify("get caller identity", err)
	}
	id := Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
	id.Partition = PartitionOf(id.ARN)
	c.setPartition(id.Partition)
	c.mu.Lock()
	c.identity = &id
	c.mu.Unlock()
	return id, nil
}

// Organization describes the caller's organization.
type Organization struct {
	ID                  string `json:"id"`
	ManagementAccountID string `json:"management_account_id"`
	FeatureSet          string `json:"feature_set"`
}

// Organization returns the caller's organization, or an error that
// errors.Is ErrNotInOrganization for a standalone account.
func (c *Client) Organization(ctx context.Context) (Organization, error) {
	out, err := c.org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return Organization{}, classify("describe organization", err)
	}
	o := out.Organization
	return Organization{ID: aws.ToString(o.Id), ManagementAccountID: aws.ToString(o.MasterAccountId), FeatureSet: string(o.FeatureSet)}, nil
}

// Account is an organization account with where it sits in the OU tree.
type Account struct {
	ID    string
	Name  string
	Email string
	// State is AWS's State, or its retired Status when State is absent.
	State string
	// OUPath is names from the root: "Root/Workloads/Prod", "Root".
	OUPath string
	// OUIDs are the ids from the root down: r-…, ou-…, ….
	OUIDs        []string
	JoinedMethod string
	Joined       time.Time
}

// state reads State and falls back to Status: AWS retired Status in
// September 2026 but older responses and some tools still carry only it.
func state(a orgtypes.Account) string {
	if a.State != "" {
		return string(a.State)
	}
	return string(a.Status)
}

type parent struct {
	id    string
	path  string
	chain []string
}

// WalkAccounts visits every account of the organization with its OU path,
// walking the OU tree (ListRoots, then per parent its OUs and accounts) so
// the paths cost one call per page instead of one ListParents per account.
// fn may be called from several goroutines; it sees each account once, as
// soon as its page arrives, so callers can start work before the walk ends.
func (c *Client) WalkAccounts(ctx context.Context, concurrency int, fn func(Account)) error {
	return c.WalkOrganization(ctx, concurrency, fn, nil)
}

// OU is an organizational unit or root met on the walk.
type OU struct {
	ID   string
	Path string
}

// WalkOrganization is WalkAccounts that also reports every root and OU to
// ou (if not nil), empty ones included.
func (c *Client) WalkOrganization(ctx context.Context, concurrency int, fn func(Account), ou func(OU)) error {
	if concurrency < 1 {
		concurrency = 4
	}
	var roots []orgtypes.Root
	p := organizations.NewListRootsPaginator(c.org, &organizations.ListRootsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return classify("list roots", err)
		}
		roots = append(roots, out.Roots...)
	}
	g, ctx := errgroup.WithContext(ctx)
	// The tree fans out unboundedly, so limit in-flight calls with a
	// semaphore rather than SetLimit (a goroutine that schedules children
	// must not block waiting for a slot it holds).
	sem := make(chan struct{}, concurrency)
	call := func(f func() error) error {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-sem }()
		return f()
	}
	var visit func(p parent)
	visit = func(p parent) {
		if ou != nil {
			ou(OU{ID: p.id, Path: p.path})
		}
		g.Go(func() error {
			return call(func() error {
				pg := organizations.NewListAccountsForParentPaginator(c.org, &organizations.ListAccountsForParentInput{ParentId: aws.String(p.id)})
				for pg.HasMorePages() {
					out, err := pg.NextPage(ctx)
					if err != nil {
						return classify("list accounts for parent "+p.id, err)
					}
					for _, a := range out.Accounts {
						fn(Account{
							ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email),
							State: state(a), OUPath: p.path, OUIDs: p.chain,
							JoinedMethod: string(a.JoinedMethod), Joined: aws.ToTime(a.JoinedTimestamp),
						})
					}
				}
				return nil
			})
		})
		g.Go(func() error {
			return call(func() error {
				pg := organizations.NewListOrganizationalUnitsForParentPaginator(c.org, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(p.id)})
				for pg.HasMorePages() {
					out, err := pg.NextPage(ctx)
					if err != nil {
						return classify("list organizational units for parent "+p.id, err)
					}
					for _, ou := range out.OrganizationalUnits {
						chain := append(append([]string(nil), p.chain...), aws.ToString(ou.Id))
						visit(parent{id: aws.ToString(ou.Id), path: p.path + "/" + aws.ToString(ou.Name), chain: chain})
					}
				}
				return nil
			})
		})
	}
	for _, r := range roots {
		visit(parent{id: aws.ToString(r.Id), path: "Root", chain: []string{aws.ToString(r.Id)}})
	}
	return g.Wait()
}

// Accounts returns every account of the organization sorted by id.
func (c *Client) Accounts(ctx context.Context) ([]Account, error) {
	var (
		mu  sync.Mutex
		out []Account
	)
	err := c.WalkAccounts(ctx, 4, func(a Account) {
		mu.Lock()
		out = append(out, a)
		mu.Unlock()
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, err
}

// TrustedAccess lists the service principals with trusted access.
func (c *Client) TrustedAccess(ctx context.Context) ([]string, error) {
	var out []string
	p := organizations.NewListAWSServiceAccessForOrganizationPaginator(c.org, &organizations.ListAWSServiceAccessForOrganizationInput{})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("list AWS service access", err)
		}
		for _, s := range pg.EnabledServicePrincipals {
			out = append(out, aws.ToString(s.ServicePrincipal))
		}
	}
	return out, nil
}

// DelegatedAdministrators lists the account ids registered for principal.
func (c *Client) DelegatedAdministrators(ctx context.Context, principal string) ([]string, error) {
	var out []string
	p := organizations.NewListDelegatedAdministratorsPaginator(c.org, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(principal)})
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("list delegated administrators", err)
		}
		for _, d := range pg.DelegatedAdministrators {
			out = append(out, aws.ToString(d.Id))
		}
	}
	return out, nil
}

// LookupAccount resolves one account with its OU path without walking the
// whole organization: DescribeAccount, then ListParents up to the root and
// DescribeOrganizationalUnit for each name. The enforcer uses it per event,
// where a full walk of a large organization would cost hundreds of calls.
// An account outside the organization is an error that errors.Is
// ErrNotFound.
func (c *Client) LookupAccount(ctx context.Context, id string) (Account, error) {
	out, err := c.org.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String(id)})
	if err != nil {
		return Account{}, classify("describe account "+id, err)
	}
	a := out.Account
	acct := Account{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), State: state(*a),
		JoinedMethod: string(a.JoinedMethod), Joined: aws.ToTime(a.JoinedTimestamp)}
	var names, ids []string
	child := id
	for depth := 0; depth < 10; depth++ { // Organizations nests at most 5 OUs deep
		ps, err := c.org.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			return Account{}, classify("list parents of "+child, err)
		}
		if len(ps.Parents) == 0 {
			break
		}
		p := ps.Parents[0]
		pid := aws.ToString(p.Id)
		ids = append([]string{pid}, ids...)
		if p.Type == orgtypes.ParentTypeRoot {
			break
		}
		ou, err := c.org.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String(pid)})
		if err != nil {
			return Account{}, classify("describe organizational unit "+pid, err)
		}
		names = append([]string{aws.ToString(ou.OrganizationalUnit.Name)}, names...)
		child = pid
	}
	acct.OUIDs = ids
	acct.OUPath = strings.Join(append([]string{"Root"}, names...), "/")
	return acct, nil
}
