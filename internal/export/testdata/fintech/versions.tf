# Written by altcontacts export. Import blocks need Terraform 1.5 or OpenTofu 1.6.
# The provider is configured where you run this (credentials of the management
# account or of the delegated administrator for account.amazonaws.com).
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
