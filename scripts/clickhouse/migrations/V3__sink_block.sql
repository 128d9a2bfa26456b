-- Which sink block stored each row (its topic, partition and offset range; '' for rows another
-- writer inserted, e.g. Kafka Connect). The sink tells a row its own earlier attempt stored (the
-- block goes in again, the same) from a row another block stored (the event was published twice,
-- or the topic is read again by a new consumer group: the row is dropped).
ALTER TABLE analytics.orders_analytics ADD COLUMN sink_block String DEFAULT '' AFTER kafka_offset;
