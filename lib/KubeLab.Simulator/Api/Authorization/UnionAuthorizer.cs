using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// kube-apiserver's authorizer chain (k8s.io/apiserver/pkg/authorization/union, pkg/kubeapiserver/authorizer/config.go): the
/// privileged-group authorizer for <c>system:masters</c> first (authorizerfactory.NewPrivilegedGroups), then each mode in order;
/// the first that allows wins, and when none does the non-empty reasons are joined by newlines. The modelled authorizers never
/// deny outright (a refusal is "no opinion"), so every one is asked until one allows.
/// </summary>
public sealed class UnionAuthorizer(params IReadOnlyList<IAuthorizer> authorizers) : IAuthorizer
{
    public IReadOnlyList<IAuthorizer> Authorizers { get; } = authorizers;

    /// <summary>kind's <c>--authorization-mode=Node,RBAC</c> for the API server holding <paramref name="store"/>.</summary>
    public static UnionAuthorizer NodeAndRbac(ObjectStore store) => new(NodeAuthorizer.For(store), RbacAuthorizer.For(store));

    public AuthorizationDecision Authorize(AuthorizationAttributes a)
    {
        if (a.User.InGroup(RbacAuthorizer.PrivilegedGroup)) return AuthorizationDecision.Allow();
        List<string>? reasons = null;
        foreach (var authorizer in Authorizers)
        {
            var decision = authorizer.Authorize(a);
            if (decision.Allowed) return decision;
            if (decision.Reason.Length > 0) (reasons ??= []).Add(decision.Reason);
        }
        return AuthorizationDecision.Deny(reasons is null ? "" : string.Join("\n", reasons));
    }
}
