using System.Runtime.CompilerServices;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// --authorization-mode=Node,RBAC as kind runs it (plugin/pkg/auth/authorizer/rbac/rbac.go RBACAuthorizer behind
/// the union authorizer and the privileged-group authorizer for <c>system:masters</c>). RBAC only allows: without a matching
/// rule the answer is "no opinion", which the filter turns into 403; the reason then lists the bindings whose role is
/// missing (<c>RBAC: clusterrole.rbac.authorization.k8s.io "x" not found</c>). The Node authorizer comes before it in
/// <see cref="UnionAuthorizer"/>.
/// </summary>
public sealed class RbacAuthorizer : IAuthorizer
{
    public const string PrivilegedGroup = "system:masters";

    private static readonly ConditionalWeakTable<ObjectStore, RbacAuthorizer> PerStore = new();

    private readonly ObjectStore store;
    private long version;
    private RbacPolicy? policy;

    private RbacAuthorizer(ObjectStore store)
    {
        this.store = store;
        store.Changed += e => { if (e.Resource.Group == RbacPolicy.Group) Interlocked.Increment(ref version); };
    }

    /// <summary>The authorizer of the API server holding <paramref name="store"/>.</summary>
    public static RbacAuthorizer For(ObjectStore store) => PerStore.GetValue(store, s => new RbacAuthorizer(s));

    /// <summary>The roles and bindings as they are now (re-read after any RBAC write).</summary>
    public RbacPolicy Policy
    {
        get
        {
            var v = Interlocked.Read(ref version);
            var p = Volatile.Read(ref policy);
            if (p is null || p.Version != v) Volatile.Write(ref policy, p = RbacPolicy.Read(store, v));
            return p;
        }
    }

    /// <summary>What RBAC reads of a request: the same key under the same policy always gets the same answer.</summary>
    private readonly record struct DecisionKey(string User, string Groups, string Verb, bool IsResourceRequest, string Path, string ApiGroup,
        string Resource, string Subresource, string Namespace, string Name);

    // Decisions per request shape, each tagged with the policy version it was made under (a role or binding change makes every
    // older entry stale without a clear racing the writers). The in-process controllers ask the same few questions thousands of
    // times a second; the rule walk is what kube-apiserver's RBAC does for each, the cache only avoids repeating it.
    private readonly Util.BoundedCache<DecisionKey, (long Version, AuthorizationDecision Decision)> decisions = new(MaxCachedDecisions);
    private const int MaxCachedDecisions = 20_000;

    public AuthorizationDecision Authorize(AuthorizationAttributes a)
    {
        // authorizerfactory: the privileged group is allowed before any other authorizer is asked.
        if (a.User.InGroup(PrivilegedGroup)) return AuthorizationDecision.Allow();
        var policy = Policy;
        var key = new DecisionKey(a.User.Name, string.Join('\n', a.User.Groups), a.Verb, a.IsResourceRequest, a.IsResourceRequest ? "" : a.Path,
            a.ApiGroup, a.Resource, a.Subresource, a.Namespace, a.Name);
        if (decisions.TryGetValue(key, out var known) && known.Version == policy.Version) return known.Decision;
        var decision = Decide(policy, a);
        decisions.Set(key, (policy.Version, decision));
        return decision;
    }

    private static AuthorizationDecision Decide(RbacPolicy policy, AuthorizationAttributes a)
    {
        string? reason = null;
        List<string>? errors = null;
        policy.VisitRulesFor(a.User, a.Namespace, (binding, subject, rule, error) =>
        {
            if (error is not null) (errors ??= []).Add(error);
            if (rule is not null && rule.Allows(a))
            {
                reason = "RBAC: allowed by " + binding!.Describe(subject!);
                return false;
            }
            return true;
        });
        if (reason is not null) return AuthorizationDecision.Allow(reason);
        return AuthorizationDecision.Deny(errors is null ? "" : "RBAC: " + Aggregate(errors));
    }

    /// <summary>utilerrors.NewAggregate(...).Error(): one message alone, several de-duplicated in brackets.</summary>
    internal static string Aggregate(List<string> errors)
    {
        var distinct = errors.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }
}
