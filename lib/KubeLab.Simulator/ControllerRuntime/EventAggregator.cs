namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// client-go's EventAggregator (tools/record/events_cache.go, EventAggregatorByReasonFunc): events of one source about one object
/// with the same type and reason but different messages are grouped; once 10 distinct messages were seen within 10 minutes of
/// each other, the next ones become a single event "(combined from similar events): &lt;latest message&gt;" whose count grows.
/// </summary>
internal sealed class EventAggregator(TimeProvider time)
{
    public const int MaxEvents = 10;                                   // defaultAggregateMaxEvents
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(600); // defaultAggregateIntervalInSeconds
    public const string CombinedPrefix = "(combined from similar events): ";
    private const int MaxKeys = 4096;

    private readonly Util.BoundedCache<string, Group> groups = new(MaxKeys);

    /// <summary>
    /// The message to record and the key that identifies the event for de-duplication: the event's own key while the group is
    /// small, the group's key (one event, counted up) once it is aggregated.
    /// </summary>
    public (string Message, string Key) Aggregate(string eventKey, string groupKey, string message)
    {
        var now = time.GetUtcNow();
        if (!groups.TryGetValue(groupKey, out var group) || now - group.Last > MaxInterval)
        {
            group = new Group();
            groups.Set(groupKey, group);
        }
        lock (group)
        {
            group.Last = now;
            // The group keeps the text for 10 minutes: the pooled copy (a kubelet's "Started container web" is the same in every pod).
            if (group.Add(Util.SharedStrings.Get(message)) < MaxEvents) return (message, eventKey);
            // Upstream drops an arbitrary member so the set stays below the threshold's size.
            group.RemoveOne();
        }
        return (CombinedPrefix + message, groupKey);
    }

    /// <summary>The distinct messages of a group: most groups (one kubelet, one pod, one reason) only ever see one.</summary>
    private sealed class Group
    {
        private string? only;
        private HashSet<string>? many;

        public DateTimeOffset Last { get; set; }

        /// <summary>Adds a message; returns how many distinct ones the group holds.</summary>
        public int Add(string message)
        {
            if (many is not null) { many.Add(message); return many.Count; }
            if (only is null || only == message) { only = message; return 1; }
            many = new HashSet<string>(StringComparer.Ordinal) { only, message };
            only = null;
            return 2;
        }

        public void RemoveOne()
        {
            if (many is { Count: > 0 }) many.Remove(many.First());
            else only = null;
        }
    }
}
