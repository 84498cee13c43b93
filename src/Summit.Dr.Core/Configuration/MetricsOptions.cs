namespace Summit.Dr.Configuration;

/// <summary>Prometheus metrics after every backup, restore, drill, push and prune: to a textfile, a Pushgateway, or both.</summary>
public sealed class MetricsOptions
{
    /// <summary>node_exporter's textfile collector directory: summit_dr_OPERATION.prom is written there, atomically.</summary>
    public string? TextfileDir { get; set; }

    /// <summary>A Pushgateway (http://host:9091): metrics go to job summit_dr, grouped by operation and platform.</summary>
    public string? PushgatewayUrl { get; set; }

    /// <summary>The platform label; unset, the compose project name (COMPOSE_PROJECT_NAME, else the working directory's name).</summary>
    public string? Platform { get; set; }

    /// <summary>How long a push to the Pushgateway may take before it is given up (the run's outcome stands).</summary>
    public double TimeoutSeconds { get; set; } = 10;
}
