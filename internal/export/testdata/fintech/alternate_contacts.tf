# The alternate contacts of organization o-7xq2m4k9pz, written by altcontacts export.
# Terraform owns these contacts from now on: run the altcontacts enforcer in report
# mode for these accounts, or the two will correct each other.

# 158392047716 fraud-prod, Root/Workloads/Prod
resource "aws_account_alternate_contact" "security_158392047716" {
  account_id             = "158392047716"
  alternate_contact_type = "SECURITY"
  name                   = "Fraud Security"
  title                  = "Security Team"
  email_address          = "acmepay.secops@gmail.com"
  phone_number           = "+1 206 555 7700"
}

# 184930275561 audit, Root/Security
resource "aws_account_alternate_contact" "security_184930275561" {
  account_id             = "184930275561"
  alternate_contact_type = "SECURITY"
  name                   = "Audit Account"
  title                  = "Audit"
  email_address          = "aws+audit@acmepay.iol"
  phone_number           = "+1 206 555 7700"
}

# 265937401187 ci-cd, Root/Infrastructure
resource "aws_account_alternate_contact" "security_265937401187" {
  account_id             = "265937401187"
  alternate_contact_type = "SECURITY"
  name                   = "Marco Rossi"
  title                  = "Platform Lead"
  email_address          = "marco.rossi@acmepay.io"
  phone_number           = "+39 02 8736 4410"
}

# 317264859023 network-hub, Root/Infrastructure
resource "aws_account_alternate_contact" "security_317264859023" {
  account_id             = "317264859023"
  alternate_contact_type = "SECURITY"
  name                   = "Security Operations"
  title                  = "Security Team"
  email_address          = "security@acmepay.io"
  phone_number           = "+1 206 555 7700"
}

# 382716059248 payments-staging, Root/Workloads/Staging
resource "aws_account_alternate_contact" "security_382716059248" {
  account_id             = "382716059248"
  alternate_contact_type = "SECURITY"
  name                   = "TBD"
  title                  = "TBD"
  email_address          = "security@example.com"
  phone_number           = "+1 000 000 0000"
}

# 401726385920 acmepay-management (management), Root
resource "aws_account_alternate_contact" "operations_401726385920" {
  alternate_contact_type = "OPERATIONS"
  name                   = "Cloud Platform"
  title                  = "Platform Engineering"
  email_address          = "cloud-ops@acmepay.io"
  phone_number           = "+1 206 555 7720"
}

# 401726385920 acmepay-management (management), Root
resource "aws_account_alternate_contact" "billing_401726385920" {
  alternate_contact_type = "BILLING"
  name                   = "Finance Operations"
  title                  = "Accounts Payable"
  email_address          = "billing@acmepay.io"
  phone_number           = "+1 206 555 7710"
}

# 593018274615 security-tooling, Root/Security
resource "aws_account_alternate_contact" "security_593018274615" {
  account_id             = "593018274615"
  alternate_contact_type = "SECURITY"
  name                   = "Security Operations"
  title                  = "Security Team"
  email_address          = "security@acmepay.io"
  phone_number           = "+1 206 555 7700"
}

# 619283740556 payments-prod, Root/Workloads/Prod
resource "aws_account_alternate_contact" "security_619283740556" {
  account_id             = "619283740556"
  alternate_contact_type = "SECURITY"
  name                   = "Security Operations"
  title                  = "Security Team"
  email_address          = "security@acmepay.io"
  phone_number           = "+1 206 555 7700"
}

# 728415903362 log-archive, Root/Security
resource "aws_account_alternate_contact" "security_728415903362" {
  account_id             = "728415903362"
  alternate_contact_type = "SECURITY"
  name                   = "Security Operations"
  title                  = "Security Team"
  email_address          = "security@acmepay.io"
  phone_number           = "+1 206 555 7700"
}

# 930472816405 ledger-prod, Root/Workloads/Prod
resource "aws_account_alternate_contact" "security_930472816405" {
  account_id             = "930472816405"
  alternate_contact_type = "SECURITY"
  name                   = "Security Operations"
  title                  = "Security Team"
  email_address          = "security@acmepay.io"
  phone_number           = "+1 206 555 7700"
}
