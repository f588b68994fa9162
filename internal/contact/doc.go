// Package contact is the domain core of altcontacts: the three AWS alternate
// contact types, the policy file that declares the contacts an organization
// wants, and the rules that decide whether a contact would actually reach
// someone when AWS needs to report a compromised account.
//
// The package is deliberately pure: it parses policies from bytes and
// evaluates accounts handed to it, and never touches files, the network or
// the AWS SDK. That keeps the CLI, the Lambda enforcer and the sandbox on
// exactly the same verdicts, and keeps every rule testable in isolation.
package contact
