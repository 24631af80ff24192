using KubeLab.Simulator.Api.Authentication;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// Which node a user is (pkg/auth/nodeidentifier/default.go): a member of <c>system:nodes</c> named <c>system:node:&lt;name&gt;</c>,
/// what kubelet TLS bootstrap leaves a kind node with. A user missing either is not a node; <c>system:node:</c> alone is a node
/// whose name is unknown.
/// </summary>
public static class NodeIdentity
{
    public const string NodesGroup = "system:nodes";
    public const string UserPrefix = "system:node:";

    /// <summary>The user name of node <paramref name="nodeName"/>.</summary>
    public static string UserName(string nodeName) => UserPrefix + nodeName;

    public static (string NodeName, bool IsNode) Of(UserInfo? user)
    {
        if (user is null || !user.Name.StartsWith(UserPrefix, StringComparison.Ordinal) || !user.InGroup(NodesGroup)) return ("", false);
        return (user.Name[UserPrefix.Length..], true);
    }
}
