package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/adrg/xdg"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"onboard/config"
	"onboard/internal/atomicfile"
	"onboard/ui"
)

// partnerScopes are asked for in the partner's device code sign-in: Partner
// Center as the signed-in partner user (the "user_impersonation" delegated
// permission, page "Partner Center authentication" and "Enable the secure
// application model") and offline_access, without which Entra ID issues no
// refresh token (page "Microsoft identity platform and the OAuth 2.0 device
// authorization grant flow", v2-oauth2-device-code).
var partnerScopes = []string{"https://api.partnercenter.microsoft.com/user_impersonation", "offline_access"}

func newPartnerCmd(g *globals) *cobra.Command {
	partner := &cobra.Command{
		Use:   "partner",
		Short: "The provider's own Microsoft account: sign in for App+User calls",
		Args:  cobra.NoArgs,
	}
	var noQR bool
	login := &cobra.Command{
		Use:   "login",
		Short: "Sign the partner's account in with a device code (MFA included) and keep the App+User refresh token in the secrets file",
		Long: "Signs in one of the partner's own users (an Admin agent of your Partner Center account) with the\n" +
			"device code flow: open the link on any device, enter the code, complete MFA. The refresh token\n" +
			"Microsoft returns is written to secrets_file (mode 0600; created if missing) and never printed.\n" +
			"See docs/microsoft-setup.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.config(cmd)
			if path, ok := missingSecretsFile(err); ok {
				// The configured secrets file does not exist yet: this
				// command is what fills it, so create it (empty, 0600).
				if err := writeSecretsFile(path, map[string]string{}); err != nil {
					return err
				}
				cfg, err = g.config(cmd)
			}
			if err != nil {
				return err
			}
			return partnerLogin(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr(), !noQR)
		},
	}
	login.Flags().BoolVar(&noQR, "no-qr", false, "do not draw the link as a QR code")
	partner.AddCommand(login)
	return partner
}

// missingSecretsFile reports the path of a configured secrets file that
// config.Load could not find.
func missingSecretsFile(err error) (string, bool) {
	var pe *fs.PathError
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || !strings.Contains(err.Error(), "secrets file: ") {
		return "", false
	}
	return pe.Path, true
}

// defaultSecretsFile is where `partner login` keeps the refresh token when
// no secrets_file is configured.
func defaultSecretsFile() string {
	return filepath.Join(xdg.ConfigHome, "onboard", "secrets.toml")
}

func partnerLogin(ctx context.Context, cfg *config.Config, out, msg io.Writer, qr bool) error {
	if cfg.Get("microsoft") == "sandbox" {
		return errors.New("partner login signs in to a real Microsoft: the built-in sandbox signs its partner in by itself " +
			"(set microsoft = partner-center, partner_tenant_id and client_id first; see docs/microsoft-setup.md)")
	}
	tenant, clientID, secret := cfg.Get("partner_tenant_id"), cfg.Get("client_id"), cfg.Get("client_secret")
	if tenant == "" || clientID == "" || secret == "" {
		return errors.New("partner login needs partner_tenant_id, client_id and client_secret (the app registration's Directory (tenant) ID, " +
			"Application (client) ID and a client secret's Value; see docs/microsoft-setup.md)")
	}
	path := cfg.Get("secrets_file")
	configured := path != ""
	if !configured {
		path = defaultSecretsFile()
	}
	secrets, err := readSecretsFile(path)
	if err != nil {
		return err
	}
	base := strings.TrimRight(cfg.Get("login_url"), "/") + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/"
	// The app is confidential (a web app with a secret, as Partner Center's
	// App+User needs): its device code redemption carries the secret, and
	// the refresh token is then redeemed with it as msapi does. Entra ID
	// asks a confidential app for it (AADSTS7000218 without it); the
	// devicecode request itself sends client_id and scope only, as the
	// v2-oauth2-device-code page shows.
	conf := &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: secret,
		Endpoint:     oauth2.Endpoint{DeviceAuthURL: base + "devicecode", TokenURL: base + "token", AuthStyle: oauth2.AuthStyleInParams},
		Scopes:       partnerScopes,
	}
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return fmt.Errorf("start the device code sign-in at %s: %s", conf.Endpoint.DeviceAuthURL, tokenVerdict(err))
	}
	fmt.Fprintf(msg, "To sign in as the partner, open %s on any device and enter the code %s\n", da.VerificationURI, da.UserCode)
	fmt.Fprintln(msg, "Use an account of your Partner Center with the Admin agent role; complete MFA when asked.")
	if qr {
		if code, err := ui.QR(da.VerificationURI); err == nil {
			fmt.Fprintln(msg, code)
		}
	}
	fmt.Fprintln(msg, "Waiting for the sign-in (Ctrl+C to give up)…")
	tok, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		return fmt.Errorf("sign-in: %s", deviceVerdict(err))
	}
	if tok.RefreshToken == "" {
		return errors.New("Microsoft signed the partner in but returned no refresh token: the app must be allowed the offline_access scope (see docs/microsoft-setup.md)")
	}
	secrets["refresh_token"] = tok.RefreshToken
	if err := writeSecretsFile(path, secrets); err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed in. %s\n", mfaVerdict(tok.AccessToken))
	fmt.Fprintf(out, "Saved the App+User refresh token to %s (mode 0600).\n", path)
	if !configured {
		fmt.Fprintf(out, "Add this line to %s so onboard reads it:\n  secrets_file = %q\n", configFileOf(cfg), path)
	}
	if cfg.Lookup("refresh_token").Source == config.FromEnv {
		fmt.Fprintln(out, "Note: ONBOARD_REFRESH_TOKEN is set and wins over the secrets file; unset it to use the new token.")
	}
	fmt.Fprintln(out, "Check the whole setup with `onboard doctor`.")
	return nil
}

func configFileOf(cfg *config.Config) string {
	if cfg.File != "" {
		return cfg.File
	}
	return config.DefaultFile()
}

// readSecretsFile reads the secrets TOML (missing is empty); it refuses a
// file others can read, as config.Load does.
func readSecretsFile(path string) (map[string]string, error) {
	secrets := map[string]string{}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return secrets, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s has mode %v: %w", path, fi.Mode().Perm(), config.ErrInsecureSecrets)
	}
	if _, err := toml.DecodeFile(path, &secrets); err != nil {
		return nil, fmt.Errorf("read secrets file %s: %w", path, err)
	}
	return secrets, nil
}

// writeSecretsFile replaces the secrets file atomically, mode 0600.
func writeSecretsFile(path string, secrets map[string]string) error {
	var b strings.Builder
	b.WriteString("# onboard secrets (mode 0600): written by `onboard partner login`\n")
	keys := make([]string, 0, len(secrets))
	for k := range secrets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s = %s\n", k, tomlString(secrets[k]))
	}
	return atomicfile.Write(path, []byte(b.String()))
}

// tomlString quotes s as a TOML basic string (JSON escapes are valid TOML).
func tomlString(s string) string {
	q, _ := json.Marshal(s)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(q))
}

// deviceVerdict says in plain words why the device code sign-in ended
// (errors of page v2-oauth2-device-code).
func deviceVerdict(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the code expired before the sign-in finished: run `onboard partner login` again"
	}
	if errors.Is(err, context.Canceled) {
		return "given up"
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		switch re.ErrorCode {
		case "authorization_declined", "access_denied":
			return "the sign-in was declined: run `onboard partner login` again and accept"
		case "expired_token":
			return "the code expired before the sign-in finished: run `onboard partner login` again"
		case "bad_verification_code":
			return "Microsoft did not recognise the device code: run `onboard partner login` again"
		}
	}
	return tokenVerdict(err)
}

// mfaVerdict says whether the access token shows MFA, as far as it tells:
// Entra ID access tokens are JWTs whose "amr" claim lists "mfa" after a
// multifactor sign-in (page "Microsoft identity platform access tokens",
// claim amr). An opaque token (the sandbox's) does not say.
func mfaVerdict(access string) string {
	mfa, known := tokenMFA(access)
	switch {
	case !known:
		return "Microsoft's answer does not say whether MFA was used."
	case mfa:
		return "The sign-in used MFA, as Partner Center requires for App+User calls."
	}
	return "Warning: the sign-in did not use MFA; Partner Center refuses App+User calls without MFA since 1 April 2026: require MFA for this account and sign in again."
}

// tokenMFA reads the amr claim of a JWT access token without verifying it
// (only Microsoft's answer to the call itself is trusted).
func tokenMFA(access string) (mfa, known bool) {
	parts := strings.Split(access, ".")
	if len(parts) != 3 {
		return false, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false, false
	}
	var claims struct {
		AMR []string `json:"amr"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.AMR == nil {
		return false, false
	}
	return slices.Contains(claims.AMR, "mfa"), true
}
