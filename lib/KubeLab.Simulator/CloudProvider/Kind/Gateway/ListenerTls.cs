using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeLab.Simulator.CloudProvider.Kind.GatewayApi;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>
/// An HTTPS listener's <c>tls.certificateRefs</c> resolved to the certificates its Envoy serves (mode Terminate). Per the Gateway
/// API spec (apis/v1/gateway_types.go ListenerReasonInvalidCertificateRef, RefNotPermitted): a ref to something other than a
/// core Secret, a missing Secret, or one that is not <c>kubernetes.io/tls</c> or holds no PEM certificate makes ResolvedRefs
/// False with reason InvalidCertificateRef; a Secret in another namespace without a ReferenceGrant, RefNotPermitted. A listener
/// with no usable certificate is not programmed and does not serve.
/// </summary>
public sealed record ListenerTls(IReadOnlyList<ServedCertificate> Certificates, string? Reason, string? Message)
{
    public static ListenerTls Resolve(JsonObject listener, string gatewayNamespace, IReadOnlyDictionary<string, V1Secret> secrets, List<JsonObject> grants)
    {
        var certs = new List<ServedCertificate>();
        (string Reason, string Message)? error = null;
        if ((string?)listener["tls"]?["mode"] is { } mode && mode != "Terminate")
            return new([], "UnsupportedValue", $"TLS mode {mode} is not supported for protocol HTTPS");
        var refs = (listener["tls"]?["certificateRefs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (refs.Count == 0) return new([], "InvalidCertificateRef", "An HTTPS listener needs at least one certificateRef");
        foreach (var r in refs)
        {
            var name = (string?)r["name"] ?? "";
            var ns = (string?)r["namespace"] ?? gatewayNamespace;
            if (((string?)r["group"] ?? "") != "" || ((string?)r["kind"] ?? "Secret") != "Secret")
                error ??= ("InvalidCertificateRef", $"Unsupported certificateRef kind {(string?)r["group"]}/{(string?)r["kind"]}: only core Secrets are supported");
            else if (ns != gatewayNamespace && !Granted(grants, gatewayNamespace, ns, name))
                error ??= ("RefNotPermitted", $"Certificate ref to Secret {ns}/{name} is not permitted by any ReferenceGrant");
            else if (!secrets.TryGetValue($"{ns}/{name}", out var secret))
                error ??= ("InvalidCertificateRef", $"Secret {ns}/{name} does not exist");
            else if (secret.Type != "kubernetes.io/tls")
                error ??= ("InvalidCertificateRef", $"Secret {ns}/{name} is not of type kubernetes.io/tls (type {secret.Type ?? "Opaque"})");
            else if (secret.Data is not { } data || !data.TryGetValue("tls.crt", out var crt) || !data.TryGetValue("tls.key", out var key) || key.Length == 0
                || ServedCertificate.FromPem(Encoding.ASCII.GetString(crt)) is not { } served)
                error ??= ("InvalidCertificateRef", $"Secret {ns}/{name} has no valid tls.crt/tls.key");
            else certs.Add(served);
        }
        return new(certs, error?.Reason, error?.Message);
    }

    /// <summary>ReferenceGrant in the Secret's namespace from Gateways of the listener's namespace to Secrets.</summary>
    private static bool Granted(List<JsonObject> grants, string fromNs, string toNs, string secret) =>
        grants.Where(g => GatewayController.Namespace(g) == toNs).Any(g =>
            (g["spec"]?["from"] as JsonArray ?? []).OfType<JsonObject>().Any(f => (string?)f["group"] == GatewayApiCrds.Group && (string?)f["kind"] == "Gateway" && (string?)f["namespace"] == fromNs)
            && (g["spec"]?["to"] as JsonArray ?? []).OfType<JsonObject>().Any(to => ((string?)to["group"] ?? "") == "" && (string?)to["kind"] == "Secret"
                && ((string?)to["name"] is null || (string?)to["name"] == secret)));
}
