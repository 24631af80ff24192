using KubeLab.Simulator.Api.Authentication;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// What an authorizer decides on (k8s.io/apiserver/pkg/authorization/authorizer.Attributes): the user, the verb and either a
/// resource (group, resource, subresource, namespace, name) or a non-resource path. <see cref="FieldSelector"/> is the request's raw
/// fieldSelector (AuthorizeWithSelectors, beta and on in 1.32: the Node authorizer reads it).
/// </summary>
public sealed record AuthorizationAttributes(
    UserInfo User,
    string Verb,
    bool IsResourceRequest,
    string Path,
    string ApiGroup = "",
    string ApiVersion = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "",
    string FieldSelector = "");

/// <summary>An authorizer's answer (authorizer.Decision + reason).</summary>
public readonly record struct AuthorizationDecision(bool Allowed, string Reason = "")
{
    public static AuthorizationDecision Allow(string reason = "") => new(true, reason);
    public static AuthorizationDecision Deny(string reason = "") => new(false, reason);
}

/// <summary>Decides whether a request may proceed (k8s.io/apiserver/pkg/authorization/authorizer.Authorizer).</summary>
public interface IAuthorizer
{
    AuthorizationDecision Authorize(AuthorizationAttributes attributes);
}

/// <summary>--authorization-mode=AlwaysAllow: what the simulator did before RBAC; kept for tests and benchmarks that compare.</summary>
public sealed class AlwaysAllowAuthorizer : IAuthorizer
{
    public static AlwaysAllowAuthorizer Instance { get; } = new();
    public AuthorizationDecision Authorize(AuthorizationAttributes attributes) => AuthorizationDecision.Allow();
}
