namespace Summit.Dr.Configuration;

/// <summary>A webhook (Slack-compatible JSON) told about runs: on failure, or on every run.</summary>
public sealed class NotifyOptions
{
    public const string OnFailure = "failure";
    public const string OnAlways = "always";

    /// <summary>Where to POST; its path and query are treated as secret and never logged.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>`failure` (default) or `always`.</summary>
    public string On { get; set; } = OnFailure;

    /// <summary>How long the webhook may take; a slower or failing one is logged and never fails the run.</summary>
    public double TimeoutSeconds { get; set; } = 10;
}
