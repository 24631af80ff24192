using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Tests.Access;

/// <summary>The chapter-13 helpers that need no cluster: subjects as the authenticator names them, JWT reading, kubectl's resource syntax.</summary>
public sealed class AccessHelpersTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Jwt(JsonObject claims) => $"{B64("""{"alg":"RS256","kid":"k1"}""")}.{B64(claims.ToJsonString())}.c2lnbmF0dXJl";

    [Fact]
    public void A_service_account_is_named_and_grouped_as_the_token_authenticator_reports_it()
    {
        var sa = Subject.ServiceAccount("dev", "reader");
        Assert.Equal("system:serviceaccount:dev:reader", sa.UserName);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"], sa.Groups);
        // kubectl --as=system:serviceaccount:… needs no --as-group: the API server adds the ServiceAccount groups itself.
        Assert.Equal("--as=system:serviceaccount:dev:reader", sa.KubectlFlags);
    }

    [Fact]
    public void A_user_keeps_its_groups_and_is_authenticated()
    {
        var jane = Subject.User("jane", "devs");
        Assert.Equal(["devs", "system:authenticated"], jane.Groups);
        Assert.Equal("--as=jane --as-group=devs", jane.KubectlFlags);
        Assert.Equal([KeyValuePair.Create("Impersonate-User", "jane"), KeyValuePair.Create("Impersonate-Group", "devs")], jane.ImpersonationHeaders);
    }

    [Fact]
    public void Token_claims_are_decoded_and_flattened()
    {
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray("https://kubernetes.default.svc.cluster.local"),
            ["exp"] = 1_700_003_600, ["iat"] = 1_700_000_000, ["iss"] = "https://kubernetes.default.svc.cluster.local",
            ["kubernetes.io"] = new JsonObject { ["namespace"] = "dev", ["serviceaccount"] = new JsonObject { ["name"] = "reader", ["uid"] = "u-1" } },
            ["sub"] = "system:serviceaccount:dev:reader",
        };
        var token = new ServiceAccountToken(Jwt(claims), null);
        Assert.Equal("system:serviceaccount:dev:reader", token.SubjectName);
        Assert.Equal(TimeSpan.FromHours(1), token.Lifetime);
        Assert.Equal(["https://kubernetes.default.svc.cluster.local"], token.Audiences);
        Assert.Equal("RS256", token.Header["alg"]?.ToString());
        var rows = token.ClaimRows().ToDictionary(r => (string)r["claim"], r => (string)r["value"]);
        Assert.Equal("reader", rows["kubernetes.io.serviceaccount.name"]);
        Assert.Equal("1700003600", rows["exp"]);
    }

    [Fact]
    public void A_forged_token_keeps_the_old_signature()
    {
        var token = new ServiceAccountToken(Jwt(new JsonObject { ["sub"] = "system:serviceaccount:dev:reader" }), null);
        var forged = new ServiceAccountToken(token.Forge("sub", "system:serviceaccount:kube-system:admin"), null);
        Assert.Equal("system:serviceaccount:kube-system:admin", forged.SubjectName);
        Assert.Equal(token.Token.Split('.')[2], forged.Token.Split('.')[2]);
        Assert.Throws<FormatException>(() => new ServiceAccountToken("not-a-jwt", null));
    }

    [Theory]
    [InlineData("pods", "", "pods", "")]
    [InlineData("deployments.apps", "apps", "deployments", "")]
    [InlineData("pods/log", "", "pods", "log")]
    [InlineData("deployments.apps/scale", "apps", "deployments", "scale")]
    [InlineData("roles.rbac.authorization.k8s.io", "rbac.authorization.k8s.io", "roles", "")]
    public void Resources_are_read_as_kubectl_auth_can_i_reads_them(string arg, string group, string resource, string sub)
        => Assert.Equal((group, resource, sub), Lab.ParseResource(arg));
}

public sealed class ClientCertificateInfoTests
{
    [Fact]
    public void Common_name_is_the_user_and_each_organization_a_group()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "O=kubeadm:cluster-admins, O=devs, CN=kubernetes-admin", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(365));
        var info = ClientCertificateInfo.From(cert);
        Assert.Equal("kubernetes-admin", info.UserName);
        Assert.Equal(["devs", "kubeadm:cluster-admins"], info.Groups.Order(StringComparer.Ordinal).ToList());
        Assert.True(info.NotAfter > DateTime.UtcNow.AddDays(364));
    }
}
