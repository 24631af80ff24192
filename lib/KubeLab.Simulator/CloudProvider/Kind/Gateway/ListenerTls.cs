using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeLab.Simulator.CloudProvider.Kind.GatewayApi;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>
/// An HTTPS listener's <c>tls.certificateRefs</c> resolved to the certificates its Envoy serves, as cloud-provider-kind does it
/// (pkg/gateway/listener.go validateListeners, buildDownstreamTLSContext, validateSecretCertificate): refs are checked in order
/// and the first bad one sets ResolvedRefs=False with upstream's message – a group other than core or a kind other than Secret
/// (InvalidCertificateRef), a Secret in another namespace without a ReferenceGrant (RefNotPermitted), a missing Secret, or one
/// whose <c>tls.key</c>/<c>tls.crt</c> is absent or holds no PEM block (InvalidCertificateRef, "malformed Secret"). The Secret's
/// type is not looked at (an Opaque Secret with both keys serves too; the API server already makes kubernetes.io/tls carry
/// them). A listener with a bad ref gets no filter chain: Programmed=False (Invalid) and, alone on its port, no Envoy listener.
/// </summary>
public sealed record ListenerTls(IReadOnlyList<ServedCertificate> Certificates, string? Reason, string? Message, string? ProgramError)
{
    public bool Serves => ProgramError is null;

    public static ListenerTls Resolve(JsonObject listener, string gatewayNamespace, IReadOnlyDictionary<string, V1Secret> secrets, List<JsonObject> grants)
    {
        var listenerName = (string?)listener["name"] ?? "";
        var certs = new List<ServedCertificate>();
        (string Reason, string Message)? error = null;
        string? programError = null;
        var refs = (listener["tls"]?["certificateRefs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (refs.Count == 0)
            return new([], null, null, $"failed to build TLS context for listener {listenerName}: TLS is configured, but no certificate refs are provided");
        foreach (var r in refs)
        {
            var name = (string?)r["name"] ?? "";
            var ns = (string?)r["namespace"] ?? gatewayNamespace;
            var group = (string?)r["group"] ?? "";
            var kind = (string?)r["kind"] ?? "Secret";
            if (group != "")
            {
                error = ("InvalidCertificateRef", $"unsupported certificate ref grup: {group}"); // sic, upstream's text
                programError ??= $"unsupported certificate ref group: {group}";
                break;
            }
            if (kind != "Secret")
            {
                error = ("InvalidCertificateRef", $"unsupported certificate ref kind: {kind}");
                programError ??= $"unsupported certificate ref kind: {kind}";
                break;
            }
            if (ns != gatewayNamespace && !Granted(grants, gatewayNamespace, ns, name))
            {
                error = ("RefNotPermitted", $"reference to Secret {ns}/{name} not permitted by any ReferenceGrant");
                // buildDownstreamTLSContext does not look at grants: a Secret that exists is served anyway.
                if (!secrets.ContainsKey($"{ns}/{name}")) programError ??= $"failed to get secret {ns}/{name}: secret \"{name}\" not found";
                else if (Served(secrets[$"{ns}/{name}"]) is { } granted) certs.Add(granted);
                break;
            }
            if (!secrets.TryGetValue($"{ns}/{name}", out var secret))
            {
                error = ("InvalidCertificateRef", $"reference to Secret {ns}/{name} not found");
                programError ??= $"failed to get secret {ns}/{name}: secret \"{name}\" not found";
                break;
            }
            if (Malformed(secret) is { } why)
            {
                error = ("InvalidCertificateRef", $"malformed Secret {ns}/{name} : {why}");
                programError ??= $"failed to convert secret to tls certificate: {why}";
                break;
            }
            certs.Add(Served(secret)!);
        }
        return new(certs, error?.Reason, error?.Message,
            programError is null ? null : $"failed to build TLS context for listener {listenerName}: {programError}");
    }

    /// <summary>validateSecretCertificate: both keys present, each with a PEM block (null: fine).</summary>
    private static string? Malformed(V1Secret s)
    {
        var id = $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}";
        byte[]? key = null, crt = null;
        if (s.Data?.TryGetValue("tls.key", out key) != true || key is null) return $"secret {id} does not contain key tls.key";
        if (!Encoding.ASCII.GetString(key).Contains("-----BEGIN ", StringComparison.Ordinal)) return $"secret {id} key tls.key does not contain a valid PEM-encoded private key";
        if (!s.Data.TryGetValue("tls.crt", out crt) || crt is null) return $"secret {id} does not contain key tls.crt";
        if (ServedCertificate.FromPem(Encoding.ASCII.GetString(crt)) is null) return $"secret {id} key tls.crt does not contain a valid PEM-encoded certificate chain";
        return null;
    }

    private static ServedCertificate? Served(V1Secret s) =>
        Malformed(s) is null ? ServedCertificate.FromPem(Encoding.ASCII.GetString(s.Data["tls.crt"])) : null;

    /// <summary>ReferenceGrant in the Secret's namespace from Gateways of the listener's namespace to Secrets.</summary>
    private static bool Granted(List<JsonObject> grants, string fromNs, string toNs, string secret) =>
        grants.Where(g => GatewayController.Namespace(g) == toNs).Any(g =>
            (g["spec"]?["from"] as JsonArray ?? []).OfType<JsonObject>().Any(f => (string?)f["group"] == GatewayApiCrds.Group && (string?)f["kind"] == "Gateway" && (string?)f["namespace"] == fromNs)
            && (g["spec"]?["to"] as JsonArray ?? []).OfType<JsonObject>().Any(to => ((string?)to["group"] ?? "") == "" && (string?)to["kind"] == "Secret"
                && ((string?)to["name"] is null || (string?)to["name"] == secret)));
}
