using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab;

/// <summary>Who you are and what you may do (chapter 13): SelfSubjectReview, TokenRequest, SubjectAccessReview, impersonation.</summary>
public sealed partial class Lab
{
    /// <summary>Who the API server says you are (<c>kubectl auth whoami</c>): user name, groups, extra.</summary>
    public async Task<V1UserInfo> WhoAmIAsync(CancellationToken ct = default)
    {
        var review = await _client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: ct).ConfigureAwait(false);
        return review.Status?.UserInfo ?? throw new InvalidOperationException("SelfSubjectReview returned no user.");
    }

    /// <summary>
    /// The client certificate your kubeconfig presents, as the x509 authenticator reads it: Subject CN = user name, O = groups;
    /// Issuer = the cluster CA. Null when the kubeconfig authenticates otherwise (a token, an exec plugin).
    /// </summary>
    public ClientCertificateInfo? ClientCertificate()
        => _client.ClientCertificate() is { } cert ? ClientCertificateInfo.From(cert) : null;

    /// <summary>
    /// A token for a ServiceAccount of the lab namespace from the TokenRequest API (<c>kubectl create token</c>); the API server
    /// may shorten or lengthen <paramref name="duration"/> (kube-apiserver: at least 10 min, at most its configured maximum).
    /// </summary>
    public async Task<ServiceAccountToken> CreateTokenAsync(string serviceAccount, TimeSpan? duration = null, string? audience = null, CancellationToken ct = default)
    {
        var request = new Authenticationv1TokenRequest
        {
            Spec = new V1TokenRequestSpec
            {
                ExpirationSeconds = duration is { } d ? (long)d.TotalSeconds : null,
                Audiences = audience is null ? [] : [audience],
            },
        };
        var issued = await _client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, serviceAccount, Namespace, cancellationToken: ct).ConfigureAwait(false);
        return new ServiceAccountToken(issued.Status.Token, issued.Status.ExpirationTimestamp);
    }

    /// <summary>The official client, authenticated by <paramref name="token"/> alone (as a Pod's process would be).</summary>
    public IKubernetes ClientWithToken(string token) => _client.WithToken(token);

    /// <summary>
    /// A GET presenting only <paramref name="token"/> (or none: null = anonymous), optionally asking to act as
    /// <paramref name="impersonate"/>. Returns the status and the Status message (or the body).
    /// </summary>
    public async Task<(HttpStatusCode Status, string Message)> RequestWithTokenAsync(string? token, string path, Subject? impersonate = null, CancellationToken ct = default)
    {
        using var client = _client.WithToken(token);
        var (status, body) = await client.SendAsync(HttpMethod.Get, path, ct: ct, headers: impersonate?.ImpersonationHeaders).ConfigureAwait(false);
        return (status, MessageOf(body));
    }

    /// <summary>
    /// Asks the authorizer (SubjectAccessReview, what <c>kubectl auth can-i --as</c> uses) whether <paramref name="subject"/> may do
    /// <paramref name="verb"/> on <paramref name="resource"/> ("pods", "deployments.apps", "pods/log") in the lab namespace (or
    /// <paramref name="ns"/>; "" = cluster scope / all namespaces).
    /// </summary>
    public async Task<AccessDecision> CanAsync(Subject subject, string verb, string resource, string? ns = null, CancellationToken ct = default)
    {
        var (group, plural, sub) = ParseResource(resource);
        var scope = ns ?? Namespace;
        var review = new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = subject.UserName,
                Groups = subject.Groups.ToList(),
                ResourceAttributes = new V1ResourceAttributes { Verb = verb, Group = group, Resource = plural, Subresource = sub, NamespaceProperty = scope },
            },
        };
        var answer = await _client.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: ct).ConfigureAwait(false);
        return new AccessDecision(subject, verb, resource, scope.Length == 0 ? null : scope, answer.Status?.Allowed == true,
            answer.Status?.Reason ?? answer.Status?.EvaluationError ?? "");
    }

    /// <summary>Every subject × every (verb, resource) through <see cref="CanAsync"/>; plot it with ToHeatmap().</summary>
    public async Task<AccessMatrix> AccessMatrixAsync(IEnumerable<Subject> subjects, IEnumerable<(string Verb, string Resource)> actions, string? ns = null, CancellationToken ct = default)
    {
        var s = subjects.ToList();
        var a = actions.ToList();
        var decisions = new List<AccessDecision>();
        foreach (var subject in s)
            foreach (var (verb, resource) in a)
                decisions.Add(await CanAsync(subject, verb, resource, ns, ct).ConfigureAwait(false));
        return new AccessMatrix(s, a, decisions);
    }

    /// <summary>
    /// A real request made as <paramref name="subject"/> through impersonation (kubectl --as): the API server checks that you may
    /// impersonate, then authorizes the request as the subject. Returns the HTTP status and the Status message (e.g. the 403 text).
    /// </summary>
    public async Task<(HttpStatusCode Status, string Message)> RequestAsAsync(Subject subject, HttpMethod method, string path, string? body = null, CancellationToken ct = default)
    {
        var (status, text) = await _client.SendAsync(method, path, body, ct: ct, headers: subject.ImpersonationHeaders).ConfigureAwait(false);
        return (status, MessageOf(text));
    }

    private static string MessageOf(string body)
    {
        try { return JsonNode.Parse(body) is JsonObject o && o["kind"]?.ToString() == "Status" ? o["message"]?.ToString() ?? "" : body; }
        catch (System.Text.Json.JsonException) { return body; }
    }

    /// <summary>kubectl's resource argument: "deployments.apps" → (apps, deployments, ""), "pods/log" → ("", pods, log).</summary>
    internal static (string Group, string Resource, string Subresource) ParseResource(string resource)
    {
        var slash = resource.IndexOf('/');
        var sub = slash < 0 ? "" : resource[(slash + 1)..];
        var main = slash < 0 ? resource : resource[..slash];
        var dot = main.IndexOf('.');
        return dot < 0 ? ("", main, sub) : (main[(dot + 1)..], main[..dot], sub);
    }
}
