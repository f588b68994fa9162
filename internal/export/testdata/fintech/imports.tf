# Adopt the contacts that exist today instead of creating them. After the first
# terraform apply they are in the state, and this file can be deleted.

import {
  to = aws_account_alternate_contact.security_158392047716
  id = "158392047716/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_184930275561
  id = "184930275561/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_265937401187
  id = "265937401187/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_317264859023
  id = "317264859023/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_382716059248
  id = "382716059248/SECURITY"
}

import {
  to = aws_account_alternate_contact.operations_401726385920
  id = "OPERATIONS"
}

import {
  to = aws_account_alternate_contact.billing_401726385920
  id = "BILLING"
}

import {
  to = aws_account_alternate_contact.security_593018274615
  id = "593018274615/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_619283740556
  id = "619283740556/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_728415903362
  id = "728415903362/SECURITY"
}

import {
  to = aws_account_alternate_contact.security_930472816405
  id = "930472816405/SECURITY"
}
