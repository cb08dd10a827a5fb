"""Root Orchestrator samples: seed 001's semaglutide request and its processing logs.

The request is seed 001's "Item Structure", value for value. The logs start
with seed 001's log item and follow that request through the stages, levels,
errors and warnings it records (seed 000 asks for "different log levels").
Neither seed gives these items a ``ttl``, so they carry none and never expire.
"""

from decimal import Decimal

REQUEST_ID = "req_1757412789250_a08ac7ad"
USER_ID = "test-user-123"
PROJECT_ID = "test-project-001"

SEMAGLUTIDE_REQUEST = {
    "request_id": REQUEST_ID,
    "project_id": PROJECT_ID,
    "user_id": USER_ID,
    "request_type": "semaglutide_intelligence",
    "status": "pending",
    "status_message": None,
    "priority": "high",
    "processing_strategy": "table",
    "config": {
        "keywords": [
            "semaglutide",
            "tirzepatide",
            "wegovy",
            "obesity drug",
            "weight loss medication",
            "GLP-1 receptor agonist",
            "diabetes treatment",
            "clinical trials obesity",
        ],
        "sources": [
            {"name": "FDA", "base_url": "https://www.fda.gov", "source_type": "government"},
            {"name": "NIH", "base_url": "https://www.nih.gov", "source_type": "academic"},
            {
                "name": "ClinicalTrials.gov",
                "base_url": "https://clinicaltrials.gov",
                "source_type": "clinical",
            },
        ],
        "extraction_mode": "summary",
        "quality_threshold": Decimal("0.7"),
        "batch_size": 5,
        "max_retries": 2,
        "custom_params": {},
    },
    "created_at": "2024-01-09T15:43:09.250000",
    "updated_at": "2024-01-09T15:43:19.261000",
    "started_at": "2024-01-09T15:43:09.251000",
    "completed_at": None,
    "progress": {
        "current_stage": "content_extraction",
        "percentage": Decimal("65.0"),
        "urls_found": 15,
        "content_extracted": 12,
        "processing_errors": 1,
        "estimated_completion": "2024-01-09T15:45:00.000000",
        "last_updated": "2024-01-09T15:43:15.000000",
    },
    "results": {
        "report_path": f"reports/semaglutide_intelligence_{REQUEST_ID}.json",
        "summary": {
            "executive_summary": "Mock analysis completed successfully",
            "key_findings": ["Finding 1", "Finding 2"],
            "total_sources": 3,
            "total_content_items": 35,
        },
        "execution_summary": {
            "total_urls_discovered": 15,
            "total_content_extracted": 12,
            "processing_duration": Decimal("10.0"),
            "api_calls_made": 18,
            "success_rate": Decimal("94.6"),
        },
        "intelligence_data": {
            "regulatory_content": {"count": 12, "items": []},
            "clinical_content": {"count": 15, "items": []},
            "academic_content": {"count": 8, "items": []},
        },
        "structured_outputs": [],
        "quality_metrics": {"average_confidence": Decimal("0.85"), "high_quality_items": 28},
        "processing_metadata": {},
    },
    "errors": ["2024-01-09T15:43:12.000000: Failed to extract content from URL xyz"],
    "warnings": ["2024-01-09T15:43:10.000000: Low confidence score for source ABC"],
    "processing_metadata": {
        "test_run": True,
        "timestamp": "2024-01-09T15:43:09.250000",
        "status_history": [
            {
                "timestamp": "2024-01-09T15:43:09.250000",
                "old_status": "pending",
                "new_status": "processing",
                "message": "Started processing",
            }
        ],
    },
}


def _log(number: int, timestamp: str, level: str, stage: str, message: str, **metadata) -> dict:
    return {
        "log_id": f"log_1757412789250_{number:03d}",
        "request_id": REQUEST_ID,
        "timestamp": timestamp,
        "log_level": level,
        "message": message,
        "stage": stage,
        "metadata": {"worker_id": "table_processor_001", "processing_node": "node-1", **metadata},
    }


PROCESSING_LOGS = (
    # Seed 001's log item, exactly.
    _log(1, "2024-01-09T15:43:09.250000", "INFO", "initialization", "Request processing started"),
    _log(
        2,
        "2024-01-09T15:43:09.900000",
        "DEBUG",
        "url_discovery",
        "Discovered 15 URLs across 3 sources",
        urls_found=15,
    ),
    _log(
        3,
        "2024-01-09T15:43:10.000000",
        "WARNING",
        "url_discovery",
        "Low confidence score for source ABC",
        source="ABC",
    ),
    _log(
        4,
        "2024-01-09T15:43:12.000000",
        "ERROR",
        "content_extraction",
        "Failed to extract content from URL xyz",
        url="xyz",
    ),
    _log(
        5,
        "2024-01-09T15:43:15.000000",
        "INFO",
        "content_extraction",
        "Extracted content from 12 of 15 URLs (65%)",
        content_extracted=12,
    ),
)

SAMPLES = {
    "market_intelligence_requests": (SEMAGLUTIDE_REQUEST,),
    "request_processing_logs": PROCESSING_LOGS,
}
