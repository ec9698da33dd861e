// Package keycloak is a thin client for the few Keycloak admin REST calls
// basketball-api makes: find a user by email, create one with a temporary
// password, and reset that password.
//
// No Keycloak Go client is available to this module, and three calls do not
// justify one. The client authenticates as a confidential client's service
// account (client_credentials grant through golang.org/x/oauth2). Every
// request has its own timeout, and no error it returns carries a password,
// the client secret, or the body of a request.
//
// keycloaktest holds a fake server for tests.
package keycloak
