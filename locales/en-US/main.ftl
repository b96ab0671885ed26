product-name = Partner Console
skip-to-content = Skip to content
nav-label = Main
role-operator = Vendor operator
sign-in = Sign in
sign-out = Sign out
footer-vendor = Partner Console · the partner channel of your cloud database vendor
footer-help = Questions? Write to partners@vendor.example
back-to-sign-in = Back to sign-in

## Landing
landing-title = Welcome
landing-heading = The partner channel, in one console
landing-lead = Resellers and managed service providers see their monthly bills, credits and discounts, their customers and each customer's bills, and manage signup links, branding and API keys.
landing-open-console = Open your console
landing-resellers-title = Resellers
landing-resellers-text = Sell through AWS Marketplace private offers and follow each offer from draft to accepted.
landing-msps-title = Managed service providers
landing-msps-text = Give customers a signup link that carries your own logo, and follow their usage and bills.
landing-api-title = Management API
landing-api-text = Do the same daily work from scripts with a digest-authenticated REST API.

## Sign-in and passwords
signin-heading = Sign in to Partner Console
signin-forgot-link = Forgot your password?
field-email = E-mail address
field-password = Password
field-new-password = New password
field-password-confirm = New password, again
password-rules = Use at least 12 characters. Avoid your e-mail address and common passwords; a few unrelated words make a good password.
forgot-heading = Reset your password
forgot-lead = Enter the e-mail address you sign in with. If it belongs to an account, we send a link to choose a new password.
forgot-submit = Send reset link
forgot-sent = If an account uses that address, a reset link is on its way. It works once, for one hour.
reset-heading = Choose a new password
reset-submit = Save new password

flash-session-expired = Your session ended. Please sign in again.
flash-signed-out = You are signed out.
flash-password-changed = Your password was changed and every other session signed out. Sign in with the new password.

## Errors
error-back-home = Back to the start page
error-400-title = This request could not be read
error-400-text = Something in the request was malformed. Go back and try again.
error-403-title = Not allowed
error-403-text = You do not have access to this page.
error-csrf-text = This form has expired or did not come from this site. Reload the page and submit it again.
error-404-title = Page not found
error-404-text = There is nothing at this address. Check the link, or start again from the start page.
error-410-title = This link no longer works
error-413-title = Too large
error-413-text = What you sent is larger than this form accepts.
error-500-title = Something went wrong
error-500-text = An error on our side stopped this page. It has been logged; please try again in a moment.
error-reset-used = This password reset link has already been used. Ask for a new one from the sign-in page.
error-reset-expired = This password reset link has expired (links work for one hour). Ask for a new one from the sign-in page.
error-signin-wrong = The e-mail address or password is not right.
error-signin-throttled-account = Too many failed sign-ins for this account. Wait 15 minutes, or reset your password.
error-signin-throttled-address = Too many sign-in attempts from your network. Wait a minute and try again.
error-signin-suspended = Your partner account is suspended. Contact the vendor's partner team to reactivate it.
error-email-required = Enter an e-mail address.
error-email-invalid = Enter an e-mail address such as name@company.com.
error-partner-kind = Choose reseller or managed service provider.
error-role = Choose a role: owner, admin, billing or viewer.
error-password-short = Use at least 12 characters.
error-password-long = Use at most 256 characters.
error-password-common = This password is too common. Choose one that is harder to guess.
error-password-email = Do not use your e-mail address in your password.
error-password-mismatch = The two passwords do not match.

## Operators
nav-admin-overview = Overview
nav-admin-outbox = Outbox
nav-admin-audit = Audit log
admin-overview-heading = Operator overview
admin-overview-lead = The partner channel at a glance.
admin-stat-partners = Partners
admin-stat-outbox = Mails waiting
admin-stat-failed = Mails failed
admin-recent-activity = Recent activity
admin-all-activity = See the whole audit log
audit-lead = Sensitive actions, newest first, with who did them and from where.
audit-empty = Nothing has happened yet.
outbox-heading = Mail outbox
outbox-lead = Every mail the console sends passes through here. Failed deliveries are retried with growing pauses.
outbox-no-smtp = No SMTP server is configured, so mails stay here and are written as .eml files to
outbox-empty = No mails yet.
outbox-next-try = next try at
col-time = Time (UTC)
col-actor = Who
col-partner = Partner
col-action = Action
col-address = Address
col-recipient = To
col-subject = Subject
col-state = State
col-attempts = Attempts
col-created = Created (UTC)
col-last-error = Last error

## Partner console
nav-console-dashboard = Dashboard
kind-msp = Managed service provider
kind-reseller = Reseller
dashboard-your-role = Your role:
dashboard-mtd = Month to date
dashboard-mtd-note = Running total of this month's usage
dashboard-customers = Active customers
dashboard-customers-note = Customers who signed up through you
dashboard-signups = Signups this month
dashboard-signups-note = New customer organizations
dashboard-getting-started = Getting started
dashboard-step-branding = Upload your logos so customers see your brand on the signup page.
dashboard-step-keys = Create an API key to call the management API from your scripts.
dashboard-step-links = Create a signup link and send it to your first customer.
dashboard-step-offers = Record a private offer for your first customer's AWS account.

## Mails
mail-greeting = Hello,
mail-signature = Partner Console — the partner team of your cloud database vendor
mail-link-fallback = If the button does not work, copy this address into your browser:
mail-reset-subject = Reset your { $product } password
mail-reset-intro = Someone, hopefully you, asked to reset the password of your Partner Console account. Open this link to choose a new one:
mail-reset-button = Choose a new password
mail-reset-expiry = The link works once, for one hour.
mail-reset-ignore = If you did not ask for it, ignore this mail: your password stays as it is.
