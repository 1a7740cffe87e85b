export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  graphql_public: {
    Tables: {
      [_ in never]: never
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      graphql: {
        Args: {
          extensions?: Json
          operationName?: string
          query?: string
          variables?: Json
        }
        Returns: Json
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  public: {
    Tables: {
      addresses: {
        Row: {
          city: string
          country_code: string
          created_at: string
          geocode_attempts: number
          geocode_claimed_until: string | null
          geocode_status: Database["public"]["Enums"]["geocode_status"] | null
          geocoded_at: string | null
          geocoder: string | null
          id: string
          is_default: boolean
          label: string | null
          latitude: number | null
          line1: string
          line2: string | null
          longitude: number | null
          postal_code: string | null
          region: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          city: string
          country_code: string
          created_at?: string
          geocode_attempts?: number
          geocode_claimed_until?: string | null
          geocode_status?: Database["public"]["Enums"]["geocode_status"] | null
          geocoded_at?: string | null
          geocoder?: string | null
          id?: string
          is_default?: boolean
          label?: string | null
          latitude?: number | null
          line1: string
          line2?: string | null
          longitude?: number | null
          postal_code?: string | null
          region?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          city?: string
          country_code?: string
          created_at?: string
          geocode_attempts?: number
          geocode_claimed_until?: string | null
          geocode_status?: Database["public"]["Enums"]["geocode_status"] | null
          geocoded_at?: string | null
          geocoder?: string | null
          id?: string
          is_default?: boolean
          label?: string | null
          latitude?: number | null
          line1?: string
          line2?: string | null
          longitude?: number | null
          postal_code?: string | null
          region?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "addresses_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      analytics_business_days: {
        Row: {
          average_processing_hours: number | null
          bookings_ended: number
          computed_at: string
          currency: string
          day: string
          fulfilment_rate: number | null
          gmv: number
          gmv_30_days: number
          month_over_month_growth: number | null
          net_revenue: number
          refunds: number
        }
        Insert: {
          average_processing_hours?: number | null
          bookings_ended?: number
          computed_at?: string
          currency: string
          day: string
          fulfilment_rate?: number | null
          gmv?: number
          gmv_30_days?: number
          month_over_month_growth?: number | null
          net_revenue?: number
          refunds?: number
        }
        Update: {
          average_processing_hours?: number | null
          bookings_ended?: number
          computed_at?: string
          currency?: string
          day?: string
          fulfilment_rate?: number | null
          gmv?: number
          gmv_30_days?: number
          month_over_month_growth?: number | null
          net_revenue?: number
          refunds?: number
        }
        Relationships: []
      }
      analytics_category_days: {
        Row: {
          bids_placed: number
          cancelled_orders: number
          category_id: string
          completed_orders: number
          completion_rate: number | null
          computed_at: string
          currency: string
          day: string
          fees: number
          no_show_orders: number
          order_value: number
          orders_placed: number
        }
        Insert: {
          bids_placed?: number
          cancelled_orders?: number
          category_id: string
          completed_orders?: number
          completion_rate?: number | null
          computed_at?: string
          currency: string
          day: string
          fees?: number
          no_show_orders?: number
          order_value?: number
          orders_placed?: number
        }
        Update: {
          bids_placed?: number
          cancelled_orders?: number
          category_id?: string
          completed_orders?: number
          completion_rate?: number | null
          computed_at?: string
          currency?: string
          day?: string
          fees?: number
          no_show_orders?: number
          order_value?: number
          orders_placed?: number
        }
        Relationships: [
          {
            foreignKeyName: "analytics_category_days_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
        ]
      }
      analytics_order_days: {
        Row: {
          active_clients: number
          active_providers: number
          average_bids_per_job: number | null
          average_order_value: number | null
          bids_placed: number
          booking_orders: number
          cancelled_orders: number
          completed_orders: number
          computed_at: string
          currency: string
          day: string
          fees: number
          jobs_posted: number
          new_orders: number
          no_show_orders: number
          order_value: number
          orders_placed: number
          purchase_orders: number
        }
        Insert: {
          active_clients?: number
          active_providers?: number
          average_bids_per_job?: number | null
          average_order_value?: number | null
          bids_placed?: number
          booking_orders?: number
          cancelled_orders?: number
          completed_orders?: number
          computed_at?: string
          currency: string
          day: string
          fees?: number
          jobs_posted?: number
          new_orders?: number
          no_show_orders?: number
          order_value?: number
          orders_placed?: number
          purchase_orders?: number
        }
        Update: {
          active_clients?: number
          active_providers?: number
          average_bids_per_job?: number | null
          average_order_value?: number | null
          bids_placed?: number
          booking_orders?: number
          cancelled_orders?: number
          completed_orders?: number
          computed_at?: string
          currency?: string
          day?: string
          fees?: number
          jobs_posted?: number
          new_orders?: number
          no_show_orders?: number
          order_value?: number
          orders_placed?: number
          purchase_orders?: number
        }
        Relationships: []
      }
      analytics_provider_days: {
        Row: {
          bids_placed: number
          cancelled_orders: number
          completed_orders: number
          computed_at: string
          currency: string
          day: string
          earnings: number
          given_back: number
          no_show_orders: number
          order_value: number
          orders_placed: number
          provider_id: string
        }
        Insert: {
          bids_placed?: number
          cancelled_orders?: number
          completed_orders?: number
          computed_at?: string
          currency: string
          day: string
          earnings?: number
          given_back?: number
          no_show_orders?: number
          order_value?: number
          orders_placed?: number
          provider_id: string
        }
        Update: {
          bids_placed?: number
          cancelled_orders?: number
          completed_orders?: number
          computed_at?: string
          currency?: string
          day?: string
          earnings?: number
          given_back?: number
          no_show_orders?: number
          order_value?: number
          orders_placed?: number
          provider_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "analytics_provider_days_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      analytics_retention_days: {
        Row: {
          average_sign_ins: number | null
          cohort_day: string
          cohort_size: number
          computed_at: string
          day_1_active: number
          day_1_retention: number | null
          day_30_active: number
          day_30_retention: number | null
          day_7_active: number
          day_7_retention: number | null
          user_type: string
        }
        Insert: {
          average_sign_ins?: number | null
          cohort_day: string
          cohort_size?: number
          computed_at?: string
          day_1_active?: number
          day_1_retention?: number | null
          day_30_active?: number
          day_30_retention?: number | null
          day_7_active?: number
          day_7_retention?: number | null
          user_type: string
        }
        Update: {
          average_sign_ins?: number | null
          cohort_day?: string
          cohort_size?: number
          computed_at?: string
          day_1_active?: number
          day_1_retention?: number | null
          day_30_active?: number
          day_30_retention?: number | null
          day_7_active?: number
          day_7_retention?: number | null
          user_type?: string
        }
        Relationships: []
      }
      analytics_search_days: {
        Row: {
          computed_at: string
          conversion_hours: number
          conversion_rate: number | null
          day: string
          searches: number
          searches_leading_to_bookings: number
          searches_with_results: number
          signed_in_searches: number
          top_categories: NonNullable<Json>
          top_terms: NonNullable<Json>
          top_zero_result_terms: NonNullable<Json>
          unique_searchers: number
          zero_result_rate: number | null
          zero_result_searches: number
        }
        Insert: {
          computed_at?: string
          conversion_hours: number
          conversion_rate?: number | null
          day: string
          searches?: number
          searches_leading_to_bookings?: number
          searches_with_results?: number
          signed_in_searches?: number
          top_categories?: NonNullable<Json>
          top_terms?: NonNullable<Json>
          top_zero_result_terms?: NonNullable<Json>
          unique_searchers?: number
          zero_result_rate?: number | null
          zero_result_searches?: number
        }
        Update: {
          computed_at?: string
          conversion_hours?: number
          conversion_rate?: number | null
          day?: string
          searches?: number
          searches_leading_to_bookings?: number
          searches_with_results?: number
          signed_in_searches?: number
          top_categories?: NonNullable<Json>
          top_terms?: NonNullable<Json>
          top_zero_result_terms?: NonNullable<Json>
          unique_searchers?: number
          zero_result_rate?: number | null
          zero_result_searches?: number
        }
        Relationships: []
      }
      app_versions: {
        Row: {
          build_number: number
          checksum: string | null
          created_at: string
          device_requirements: NonNullable<Json>
          download_url: string | null
          file_size: number | null
          id: string
          is_active: boolean
          is_forced_update: boolean
          max_os_version: string | null
          min_os_version: string | null
          platform: Database["public"]["Enums"]["app_platform"]
          release_notes: string | null
          released_at: string
          updated_at: string
          version: string
        }
        Insert: {
          build_number: number
          checksum?: string | null
          created_at?: string
          device_requirements?: NonNullable<Json>
          download_url?: string | null
          file_size?: number | null
          id?: string
          is_active?: boolean
          is_forced_update?: boolean
          max_os_version?: string | null
          min_os_version?: string | null
          platform: Database["public"]["Enums"]["app_platform"]
          release_notes?: string | null
          released_at?: string
          updated_at?: string
          version: string
        }
        Update: {
          build_number?: number
          checksum?: string | null
          created_at?: string
          device_requirements?: NonNullable<Json>
          download_url?: string | null
          file_size?: number | null
          id?: string
          is_active?: boolean
          is_forced_update?: boolean
          max_os_version?: string | null
          min_os_version?: string | null
          platform?: Database["public"]["Enums"]["app_platform"]
          release_notes?: string | null
          released_at?: string
          updated_at?: string
          version?: string
        }
        Relationships: []
      }
      audit_log: {
        Row: {
          actor_id: string | null
          actor_role: string
          id: number
          new_values: Json | null
          occurred_at: string
          old_values: Json | null
          operation: string
          row_id: string
          table_name: string
          transaction_id: number
        }
        Insert: {
          actor_id?: string | null
          actor_role: string
          id?: never
          new_values?: Json | null
          occurred_at?: string
          old_values?: Json | null
          operation: string
          row_id: string
          table_name: string
          transaction_id?: number
        }
        Update: {
          actor_id?: string | null
          actor_role?: string
          id?: never
          new_values?: Json | null
          occurred_at?: string
          old_values?: Json | null
          operation?: string
          row_id?: string
          table_name?: string
          transaction_id?: number
        }
        Relationships: []
      }
      availability_exceptions: {
        Row: {
          created_at: string
          end_time: string | null
          id: string
          is_available: boolean
          on_date: string
          reason: string | null
          start_time: string | null
          user_id: string
        }
        Insert: {
          created_at?: string
          end_time?: string | null
          id?: string
          is_available: boolean
          on_date: string
          reason?: string | null
          start_time?: string | null
          user_id: string
        }
        Update: {
          created_at?: string
          end_time?: string | null
          id?: string
          is_available?: boolean
          on_date?: string
          reason?: string | null
          start_time?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "availability_exceptions_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "schedules"
            referencedColumns: ["user_id"]
          },
        ]
      }
      availability_rules: {
        Row: {
          created_at: string
          end_time: string
          id: string
          start_time: string
          user_id: string
          weekday: number
        }
        Insert: {
          created_at?: string
          end_time: string
          id?: string
          start_time: string
          user_id: string
          weekday: number
        }
        Update: {
          created_at?: string
          end_time?: string
          id?: string
          start_time?: string
          user_id?: string
          weekday?: number
        }
        Relationships: [
          {
            foreignKeyName: "availability_rules_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "schedules"
            referencedColumns: ["user_id"]
          },
        ]
      }
      bids: {
        Row: {
          accepted_at: string | null
          amount: number
          client_id: string
          created_at: string
          currency: string
          decision_reason: string | null
          deleted_at: string | null
          deleted_by_deletion: string | null
          description: string
          estimated_minutes: number
          id: string
          is_negotiable: boolean
          job_id: string
          offering_id: string | null
          proposed_start: string | null
          provider_id: string
          rejected_at: string | null
          restored_at: string | null
          revision: number
          status: Database["public"]["Enums"]["bid_status"]
          terms: string | null
          updated_at: string
          withdrawn_at: string | null
        }
        Insert: {
          accepted_at?: string | null
          amount: number
          client_id: string
          created_at?: string
          currency: string
          decision_reason?: string | null
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          description: string
          estimated_minutes: number
          id?: string
          is_negotiable?: boolean
          job_id: string
          offering_id?: string | null
          proposed_start?: string | null
          provider_id?: string
          rejected_at?: string | null
          restored_at?: string | null
          revision?: number
          status?: Database["public"]["Enums"]["bid_status"]
          terms?: string | null
          updated_at?: string
          withdrawn_at?: string | null
        }
        Update: {
          accepted_at?: string | null
          amount?: number
          client_id?: string
          created_at?: string
          currency?: string
          decision_reason?: string | null
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          description?: string
          estimated_minutes?: number
          id?: string
          is_negotiable?: boolean
          job_id?: string
          offering_id?: string | null
          proposed_start?: string | null
          provider_id?: string
          rejected_at?: string | null
          restored_at?: string | null
          revision?: number
          status?: Database["public"]["Enums"]["bid_status"]
          terms?: string | null
          updated_at?: string
          withdrawn_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "bids_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bids_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bids_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bids_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      booking_documents: {
        Row: {
          booking_id: string
          created_at: string
          file_name: string
          id: string
          kind: Database["public"]["Enums"]["document_kind"]
          object_path: string
          uploaded_by: string | null
        }
        Insert: {
          booking_id: string
          created_at?: string
          file_name: string
          id?: string
          kind: Database["public"]["Enums"]["document_kind"]
          object_path: string
          uploaded_by?: string | null
        }
        Update: {
          booking_id?: string
          created_at?: string
          file_name?: string
          id?: string
          kind?: Database["public"]["Enums"]["document_kind"]
          object_path?: string
          uploaded_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "booking_documents_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
        ]
      }
      booking_items: {
        Row: {
          addon_id: string | null
          amount: number
          booking_id: string
          created_at: string
          description: string
          id: string
          line_number: number
          offering_id: string
          quantity: number
          unit_price: number
        }
        Insert: {
          addon_id?: string | null
          amount: number
          booking_id: string
          created_at?: string
          description: string
          id?: string
          line_number: number
          offering_id: string
          quantity: number
          unit_price: number
        }
        Update: {
          addon_id?: string | null
          amount?: number
          booking_id?: string
          created_at?: string
          description?: string
          id?: string
          line_number?: number
          offering_id?: string
          quantity?: number
          unit_price?: number
        }
        Relationships: [
          {
            foreignKeyName: "booking_items_addon_id_fkey"
            columns: ["addon_id"]
            isOneToOne: false
            referencedRelation: "offering_addons"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "booking_items_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "booking_items_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      booking_status_changes: {
        Row: {
          actor: string
          booking_id: string
          changed_at: string
          changed_by: string | null
          from_status: Database["public"]["Enums"]["booking_status"] | null
          id: number
          reason: string | null
          to_status: Database["public"]["Enums"]["booking_status"]
        }
        Insert: {
          actor: string
          booking_id: string
          changed_at?: string
          changed_by?: string | null
          from_status?: Database["public"]["Enums"]["booking_status"] | null
          id?: never
          reason?: string | null
          to_status: Database["public"]["Enums"]["booking_status"]
        }
        Update: {
          actor?: string
          booking_id?: string
          changed_at?: string
          changed_by?: string | null
          from_status?: Database["public"]["Enums"]["booking_status"] | null
          id?: never
          reason?: string | null
          to_status?: Database["public"]["Enums"]["booking_status"]
        }
        Relationships: [
          {
            foreignKeyName: "booking_status_changes_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
        ]
      }
      bookings: {
        Row: {
          address_id: string | null
          blocked_during: unknown
          cancellation_fee: number | null
          cancelled_at: string | null
          client_id: string
          collector_id: string | null
          created_at: string
          currency: string
          distance_km: number | null
          ends_at: string
          free_cancellation_hours: number
          hold_expires_at: string | null
          id: string
          job_id: string | null
          late_cancellation_fee_share: number
          notes: string | null
          offering_id: string
          pet_id: string | null
          provider_id: string | null
          scheduled_on: Database["public"]["Enums"]["schedule_owner"]
          starts_at: string
          status: Database["public"]["Enums"]["booking_status"]
          total_amount: number
          updated_at: string
        }
        Insert: {
          address_id?: string | null
          blocked_during: unknown
          cancellation_fee?: number | null
          cancelled_at?: string | null
          client_id: string
          collector_id?: string | null
          created_at?: string
          currency: string
          distance_km?: number | null
          ends_at: string
          free_cancellation_hours: number
          hold_expires_at?: string | null
          id?: string
          job_id?: string | null
          late_cancellation_fee_share: number
          notes?: string | null
          offering_id: string
          pet_id?: string | null
          provider_id?: string | null
          scheduled_on: Database["public"]["Enums"]["schedule_owner"]
          starts_at: string
          status?: Database["public"]["Enums"]["booking_status"]
          total_amount: number
          updated_at?: string
        }
        Update: {
          address_id?: string | null
          blocked_during?: unknown
          cancellation_fee?: number | null
          cancelled_at?: string | null
          client_id?: string
          collector_id?: string | null
          created_at?: string
          currency?: string
          distance_km?: number | null
          ends_at?: string
          free_cancellation_hours?: number
          hold_expires_at?: string | null
          id?: string
          job_id?: string | null
          late_cancellation_fee_share?: number
          notes?: string | null
          offering_id?: string
          pet_id?: string | null
          provider_id?: string | null
          scheduled_on?: Database["public"]["Enums"]["schedule_owner"]
          starts_at?: string
          status?: Database["public"]["Enums"]["booking_status"]
          total_amount?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "bookings_address_id_fkey"
            columns: ["address_id"]
            isOneToOne: false
            referencedRelation: "addresses"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookings_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookings_collector_id_fkey"
            columns: ["collector_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookings_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: true
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookings_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookings_pet_id_fkey"
            columns: ["pet_id"]
            isOneToOne: false
            referencedRelation: "pets"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookings_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      bookmarks: {
        Row: {
          created_at: string
          id: string
          post_id: string | null
          resource_id: string | null
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          post_id?: string | null
          resource_id?: string | null
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          post_id?: string | null
          resource_id?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "bookmarks_post_id_fkey"
            columns: ["post_id"]
            isOneToOne: false
            referencedRelation: "posts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookmarks_resource_id_fkey"
            columns: ["resource_id"]
            isOneToOne: false
            referencedRelation: "resources"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "bookmarks_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      categories: {
        Row: {
          commission_rate: number | null
          created_at: string
          currency: string | null
          description: string | null
          icon: string | null
          id: string
          is_active: boolean
          is_featured: boolean
          is_platform_only: boolean
          max_price: number | null
          min_price: number | null
          name: string
          offering_kinds: Database["public"]["Enums"]["offering_kind"][]
          parent_id: string | null
          requires_background_check: boolean
          requires_insurance: boolean
          requires_license: boolean
          slug: string
          sort_order: number
          updated_at: string
        }
        Insert: {
          commission_rate?: number | null
          created_at?: string
          currency?: string | null
          description?: string | null
          icon?: string | null
          id?: string
          is_active?: boolean
          is_featured?: boolean
          is_platform_only?: boolean
          max_price?: number | null
          min_price?: number | null
          name: string
          offering_kinds?: Database["public"]["Enums"]["offering_kind"][]
          parent_id?: string | null
          requires_background_check?: boolean
          requires_insurance?: boolean
          requires_license?: boolean
          slug: string
          sort_order?: number
          updated_at?: string
        }
        Update: {
          commission_rate?: number | null
          created_at?: string
          currency?: string | null
          description?: string | null
          icon?: string | null
          id?: string
          is_active?: boolean
          is_featured?: boolean
          is_platform_only?: boolean
          max_price?: number | null
          min_price?: number | null
          name?: string
          offering_kinds?: Database["public"]["Enums"]["offering_kind"][]
          parent_id?: string | null
          requires_background_check?: boolean
          requires_insurance?: boolean
          requires_license?: boolean
          slug?: string
          sort_order?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "categories_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_message_reports: {
        Row: {
          action_taken: Database["public"]["Enums"]["chat_report_action"] | null
          admin_notes: string | null
          created_at: string
          description: string | null
          evidence: string | null
          id: string
          message_id: number
          reason: Database["public"]["Enums"]["chat_report_reason"]
          reporter_id: string
          resolved_at: string | null
          resolved_by: string | null
          status: Database["public"]["Enums"]["chat_report_status"]
        }
        Insert: {
          action_taken?:
            | Database["public"]["Enums"]["chat_report_action"]
            | null
          admin_notes?: string | null
          created_at?: string
          description?: string | null
          evidence?: string | null
          id?: string
          message_id: number
          reason: Database["public"]["Enums"]["chat_report_reason"]
          reporter_id?: string
          resolved_at?: string | null
          resolved_by?: string | null
          status?: Database["public"]["Enums"]["chat_report_status"]
        }
        Update: {
          action_taken?:
            | Database["public"]["Enums"]["chat_report_action"]
            | null
          admin_notes?: string | null
          created_at?: string
          description?: string | null
          evidence?: string | null
          id?: string
          message_id?: number
          reason?: Database["public"]["Enums"]["chat_report_reason"]
          reporter_id?: string
          resolved_at?: string | null
          resolved_by?: string | null
          status?: Database["public"]["Enums"]["chat_report_status"]
        }
        Relationships: [
          {
            foreignKeyName: "chat_message_reports_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: false
            referencedRelation: "chat_messages"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_messages: {
        Row: {
          attachment_name: string | null
          attachment_path: string | null
          attachment_size: number | null
          attachment_type: string | null
          body: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          edited_at: string | null
          id: number
          is_deleted: boolean
          is_edited: boolean
          kind: Database["public"]["Enums"]["chat_message_kind"]
          reply_to_id: number | null
          restored_at: string | null
          room_id: string
          sender_id: string | null
          system_event: string | null
          template_id: string | null
        }
        Insert: {
          attachment_name?: string | null
          attachment_path?: string | null
          attachment_size?: number | null
          attachment_type?: string | null
          body?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          edited_at?: string | null
          id?: never
          is_deleted?: boolean
          is_edited?: boolean
          kind?: Database["public"]["Enums"]["chat_message_kind"]
          reply_to_id?: number | null
          restored_at?: string | null
          room_id: string
          sender_id?: string | null
          system_event?: string | null
          template_id?: string | null
        }
        Update: {
          attachment_name?: string | null
          attachment_path?: string | null
          attachment_size?: number | null
          attachment_type?: string | null
          body?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          edited_at?: string | null
          id?: never
          is_deleted?: boolean
          is_edited?: boolean
          kind?: Database["public"]["Enums"]["chat_message_kind"]
          reply_to_id?: number | null
          restored_at?: string | null
          room_id?: string
          sender_id?: string | null
          system_event?: string | null
          template_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "chat_messages_reply_to_id_fkey"
            columns: ["reply_to_id"]
            isOneToOne: false
            referencedRelation: "chat_messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "chat_messages_room_id_fkey"
            columns: ["room_id"]
            isOneToOne: false
            referencedRelation: "chat_rooms"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "chat_messages_template_id_fkey"
            columns: ["template_id"]
            isOneToOne: false
            referencedRelation: "chat_templates"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_participants: {
        Row: {
          is_reading: boolean
          joined_at: string
          last_message_at: string | null
          last_read_at: string | null
          last_read_message_id: number | null
          last_seen_at: string | null
          muted_until: string | null
          notifications_enabled: boolean
          role: Database["public"]["Enums"]["chat_participant_role"]
          room_id: string
          unread_count: number
          user_id: string
        }
        Insert: {
          is_reading?: boolean
          joined_at?: string
          last_message_at?: string | null
          last_read_at?: string | null
          last_read_message_id?: number | null
          last_seen_at?: string | null
          muted_until?: string | null
          notifications_enabled?: boolean
          role: Database["public"]["Enums"]["chat_participant_role"]
          room_id: string
          unread_count?: number
          user_id: string
        }
        Update: {
          is_reading?: boolean
          joined_at?: string
          last_message_at?: string | null
          last_read_at?: string | null
          last_read_message_id?: number | null
          last_seen_at?: string | null
          muted_until?: string | null
          notifications_enabled?: boolean
          role?: Database["public"]["Enums"]["chat_participant_role"]
          room_id?: string
          unread_count?: number
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "chat_participants_room_id_fkey"
            columns: ["room_id"]
            isOneToOne: false
            referencedRelation: "chat_rooms"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_rooms: {
        Row: {
          bidder_id: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          id: string
          job_id: string | null
          last_message_at: string | null
          restored_at: string | null
        }
        Insert: {
          bidder_id?: string | null
          booking_id?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          id?: string
          job_id?: string | null
          last_message_at?: string | null
          restored_at?: string | null
        }
        Update: {
          bidder_id?: string | null
          booking_id?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          id?: string
          job_id?: string | null
          last_message_at?: string | null
          restored_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "chat_rooms_bidder_id_fkey"
            columns: ["bidder_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "chat_rooms_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: true
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "chat_rooms_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      chat_templates: {
        Row: {
          category: string | null
          content: string
          created_at: string
          id: string
          is_active: boolean
          name: string
          owner_id: string | null
          subject: string | null
          updated_at: string
          usage_count: number
          variables: string[]
        }
        Insert: {
          category?: string | null
          content: string
          created_at?: string
          id?: string
          is_active?: boolean
          name: string
          owner_id?: string | null
          subject?: string | null
          updated_at?: string
          usage_count?: number
          variables?: string[]
        }
        Update: {
          category?: string | null
          content?: string
          created_at?: string
          id?: string
          is_active?: boolean
          name?: string
          owner_id?: string | null
          subject?: string | null
          updated_at?: string
          usage_count?: number
          variables?: string[]
        }
        Relationships: []
      }
      client_profiles: {
        Row: {
          available_within_days: number | null
          created_at: string
          max_hourly_rate: number | null
          only_my_languages: boolean
          preferences: NonNullable<Json>
          quiz_answers: Json | null
          quiz_completed_at: string | null
          rate_currency: string
          timezone: string
          updated_at: string
          user_id: string
          verified_only: boolean
          wanted_countries: string[]
          wanted_languages: string[]
          wanted_topics: string[]
        }
        Insert: {
          available_within_days?: number | null
          created_at?: string
          max_hourly_rate?: number | null
          only_my_languages?: boolean
          preferences?: NonNullable<Json>
          quiz_answers?: Json | null
          quiz_completed_at?: string | null
          rate_currency?: string
          timezone?: string
          updated_at?: string
          user_id: string
          verified_only?: boolean
          wanted_countries?: string[]
          wanted_languages?: string[]
          wanted_topics?: string[]
        }
        Update: {
          available_within_days?: number | null
          created_at?: string
          max_hourly_rate?: number | null
          only_my_languages?: boolean
          preferences?: NonNullable<Json>
          quiz_answers?: Json | null
          quiz_completed_at?: string | null
          rate_currency?: string
          timezone?: string
          updated_at?: string
          user_id?: string
          verified_only?: boolean
          wanted_countries?: string[]
          wanted_languages?: string[]
          wanted_topics?: string[]
        }
        Relationships: [
          {
            foreignKeyName: "client_profiles_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      clinic_info: {
        Row: {
          address_line1: string | null
          city: string | null
          country_code: string | null
          email: string | null
          id: boolean
          name: string
          opening_hours: NonNullable<Json>
          phone: string | null
          postal_code: string | null
          updated_at: string
        }
        Insert: {
          address_line1?: string | null
          city?: string | null
          country_code?: string | null
          email?: string | null
          id?: boolean
          name: string
          opening_hours?: NonNullable<Json>
          phone?: string | null
          postal_code?: string | null
          updated_at?: string
        }
        Update: {
          address_line1?: string | null
          city?: string | null
          country_code?: string | null
          email?: string | null
          id?: boolean
          name?: string
          opening_hours?: NonNullable<Json>
          phone?: string | null
          postal_code?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      coach_styles: {
        Row: {
          answers: NonNullable<Json>
          coach_id: string
          created_at: string
          updated_at: string
        }
        Insert: {
          answers: NonNullable<Json>
          coach_id: string
          created_at?: string
          updated_at?: string
        }
        Update: {
          answers?: NonNullable<Json>
          coach_id?: string
          created_at?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "coach_styles_coach_id_fkey"
            columns: ["coach_id"]
            isOneToOne: true
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      comments: {
        Row: {
          author_id: string
          body: string
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          depth: number
          hidden_at: string | null
          id: string
          owner_blocked_at: string | null
          parent_id: string | null
          post_id: string
          reaction_count: number
          restored_at: string | null
          updated_at: string
        }
        Insert: {
          author_id: string
          body: string
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          depth?: number
          hidden_at?: string | null
          id?: string
          owner_blocked_at?: string | null
          parent_id?: string | null
          post_id: string
          reaction_count?: number
          restored_at?: string | null
          updated_at?: string
        }
        Update: {
          author_id?: string
          body?: string
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          depth?: number
          hidden_at?: string | null
          id?: string
          owner_blocked_at?: string | null
          parent_id?: string | null
          post_id?: string
          reaction_count?: number
          restored_at?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "comments_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "comments_parent_id_fkey"
            columns: ["parent_id"]
            isOneToOne: false
            referencedRelation: "comments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "comments_post_id_fkey"
            columns: ["post_id"]
            isOneToOne: false
            referencedRelation: "posts"
            referencedColumns: ["id"]
          },
        ]
      }
      contact_messages: {
        Row: {
          admin_note: string | null
          assignee_id: string | null
          body: string
          created_at: string
          email: string
          id: string
          name: string
          severity: string
          source_ip: unknown
          status: Database["public"]["Enums"]["contact_status"]
          subject: string
          topic: string
          updated_at: string
          user_id: string | null
        }
        Insert: {
          admin_note?: string | null
          assignee_id?: string | null
          body: string
          created_at?: string
          email: string
          id?: string
          name: string
          severity?: string
          source_ip?: unknown
          status?: Database["public"]["Enums"]["contact_status"]
          subject: string
          topic?: string
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          admin_note?: string | null
          assignee_id?: string | null
          body?: string
          created_at?: string
          email?: string
          id?: string
          name?: string
          severity?: string
          source_ip?: unknown
          status?: Database["public"]["Enums"]["contact_status"]
          subject?: string
          topic?: string
          updated_at?: string
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "contact_messages_assignee_id_fkey"
            columns: ["assignee_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "contact_messages_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      coupon_redemptions: {
        Row: {
          booking_id: string | null
          coupon_id: string
          discount_amount: number
          id: string
          invoice_id: string | null
          redeemed_at: string | null
          released_at: string | null
          reserved_at: string
          status: Database["public"]["Enums"]["redemption_status"]
          user_id: string
        }
        Insert: {
          booking_id?: string | null
          coupon_id: string
          discount_amount: number
          id?: string
          invoice_id?: string | null
          redeemed_at?: string | null
          released_at?: string | null
          reserved_at?: string
          status?: Database["public"]["Enums"]["redemption_status"]
          user_id: string
        }
        Update: {
          booking_id?: string | null
          coupon_id?: string
          discount_amount?: number
          id?: string
          invoice_id?: string | null
          redeemed_at?: string | null
          released_at?: string | null
          reserved_at?: string
          status?: Database["public"]["Enums"]["redemption_status"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "coupon_redemptions_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: true
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "coupon_redemptions_coupon_id_fkey"
            columns: ["coupon_id"]
            isOneToOne: false
            referencedRelation: "coupons"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "coupon_redemptions_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "coupon_redemptions_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      coupons: {
        Row: {
          code: string
          created_at: string
          id: string
          is_active: boolean
          max_per_user: number | null
          max_redemptions: number | null
          offer_id: string
          updated_at: string
          valid_from: string | null
          valid_until: string | null
        }
        Insert: {
          code: string
          created_at?: string
          id?: string
          is_active?: boolean
          max_per_user?: number | null
          max_redemptions?: number | null
          offer_id: string
          updated_at?: string
          valid_from?: string | null
          valid_until?: string | null
        }
        Update: {
          code?: string
          created_at?: string
          id?: string
          is_active?: boolean
          max_per_user?: number | null
          max_redemptions?: number | null
          offer_id?: string
          updated_at?: string
          valid_from?: string | null
          valid_until?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "coupons_offer_id_fkey"
            columns: ["offer_id"]
            isOneToOne: false
            referencedRelation: "offers"
            referencedColumns: ["id"]
          },
        ]
      }
      disputes: {
        Row: {
          amount: number
          client_id: string
          closed_at: string | null
          created_at: string
          currency: string
          evidence_due_by: string | null
          id: string
          invoice_id: string
          last_event_at: string
          payment_id: string
          provider_id: string | null
          reason: string | null
          status: string
          stripe_dispute_id: string
          updated_at: string
        }
        Insert: {
          amount: number
          client_id: string
          closed_at?: string | null
          created_at?: string
          currency: string
          evidence_due_by?: string | null
          id?: string
          invoice_id: string
          last_event_at: string
          payment_id: string
          provider_id?: string | null
          reason?: string | null
          status: string
          stripe_dispute_id: string
          updated_at?: string
        }
        Update: {
          amount?: number
          client_id?: string
          closed_at?: string | null
          created_at?: string
          currency?: string
          evidence_due_by?: string | null
          id?: string
          invoice_id?: string
          last_event_at?: string
          payment_id?: string
          provider_id?: string | null
          reason?: string | null
          status?: string
          stripe_dispute_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "disputes_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "disputes_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "disputes_payment_id_fkey"
            columns: ["payment_id"]
            isOneToOne: false
            referencedRelation: "payments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "disputes_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      faqs: {
        Row: {
          answer: string
          category: string | null
          created_at: string
          id: string
          is_published: boolean
          question: string
          sort_order: number
          updated_at: string
        }
        Insert: {
          answer: string
          category?: string | null
          created_at?: string
          id?: string
          is_published?: boolean
          question: string
          sort_order?: number
          updated_at?: string
        }
        Update: {
          answer?: string
          category?: string | null
          created_at?: string
          id?: string
          is_published?: boolean
          question?: string
          sort_order?: number
          updated_at?: string
        }
        Relationships: []
      }
      favorites: {
        Row: {
          created_at: string
          id: string
          offering_id: string | null
          provider_id: string | null
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          offering_id?: string | null
          provider_id?: string | null
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          offering_id?: string | null
          provider_id?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "favorites_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "favorites_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "favorites_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      invoice_lines: {
        Row: {
          addon_id: string | null
          amount: number
          description: string
          id: string
          invoice_id: string
          kind: Database["public"]["Enums"]["invoice_line_kind"]
          line_number: number
          offering_id: string | null
          quantity: number
          unit_amount: number
        }
        Insert: {
          addon_id?: string | null
          amount: number
          description: string
          id?: string
          invoice_id: string
          kind: Database["public"]["Enums"]["invoice_line_kind"]
          line_number: number
          offering_id?: string | null
          quantity: number
          unit_amount: number
        }
        Update: {
          addon_id?: string | null
          amount?: number
          description?: string
          id?: string
          invoice_id?: string
          kind?: Database["public"]["Enums"]["invoice_line_kind"]
          line_number?: number
          offering_id?: string | null
          quantity?: number
          unit_amount?: number
        }
        Relationships: [
          {
            foreignKeyName: "invoice_lines_addon_id_fkey"
            columns: ["addon_id"]
            isOneToOne: false
            referencedRelation: "offering_addons"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invoice_lines_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invoice_lines_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      invoices: {
        Row: {
          amount_paid: number
          amount_refunded: number
          billing_parties: Json | null
          booking_id: string | null
          client_id: string
          commission: number
          coupon_id: string | null
          currency: string
          discount_total: number
          due_at: string | null
          id: string
          issued_at: string
          number: string
          number_sequence: number
          number_year: number
          offer_id: string | null
          paid_at: string | null
          provider_id: string | null
          status: Database["public"]["Enums"]["invoice_status"]
          subtotal: number
          tax_total: number
          total: number
          travel_fee: number
          updated_at: string
          voided_at: string | null
        }
        Insert: {
          amount_paid?: number
          amount_refunded?: number
          billing_parties?: Json | null
          booking_id?: string | null
          client_id: string
          commission?: number
          coupon_id?: string | null
          currency: string
          discount_total?: number
          due_at?: string | null
          id?: string
          issued_at?: string
          number: string
          number_sequence: number
          number_year: number
          offer_id?: string | null
          paid_at?: string | null
          provider_id?: string | null
          status?: Database["public"]["Enums"]["invoice_status"]
          subtotal: number
          tax_total?: number
          total: number
          travel_fee?: number
          updated_at?: string
          voided_at?: string | null
        }
        Update: {
          amount_paid?: number
          amount_refunded?: number
          billing_parties?: Json | null
          booking_id?: string | null
          client_id?: string
          commission?: number
          coupon_id?: string | null
          currency?: string
          discount_total?: number
          due_at?: string | null
          id?: string
          issued_at?: string
          number?: string
          number_sequence?: number
          number_year?: number
          offer_id?: string | null
          paid_at?: string | null
          provider_id?: string | null
          status?: Database["public"]["Enums"]["invoice_status"]
          subtotal?: number
          tax_total?: number
          total?: number
          travel_fee?: number
          updated_at?: string
          voided_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "invoices_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: true
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invoices_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invoices_coupon_id_fkey"
            columns: ["coupon_id"]
            isOneToOne: false
            referencedRelation: "coupons"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invoices_offer_id_fkey"
            columns: ["offer_id"]
            isOneToOne: false
            referencedRelation: "offers"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invoices_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      job_addons: {
        Row: {
          addon_id: string
          created_at: string
          job_id: string
          quantity: number
        }
        Insert: {
          addon_id: string
          created_at?: string
          job_id: string
          quantity?: number
        }
        Update: {
          addon_id?: string
          created_at?: string
          job_id?: string
          quantity?: number
        }
        Relationships: [
          {
            foreignKeyName: "job_addons_addon_id_fkey"
            columns: ["addon_id"]
            isOneToOne: false
            referencedRelation: "offering_addons"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_addons_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      job_assignments: {
        Row: {
          assigned_at: string
          bid_id: string
          booking_id: string
          client_confirmed_at: string | null
          client_id: string
          completion_notes: string | null
          job_id: string
          progress_notes: string | null
          provider_id: string
          starts_at: string
          updated_at: string
        }
        Insert: {
          assigned_at?: string
          bid_id: string
          booking_id: string
          client_confirmed_at?: string | null
          client_id: string
          completion_notes?: string | null
          job_id: string
          progress_notes?: string | null
          provider_id: string
          starts_at: string
          updated_at?: string
        }
        Update: {
          assigned_at?: string
          bid_id?: string
          booking_id?: string
          client_confirmed_at?: string | null
          client_id?: string
          completion_notes?: string | null
          job_id?: string
          progress_notes?: string | null
          provider_id?: string
          starts_at?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_assignments_bid_id_fkey"
            columns: ["bid_id"]
            isOneToOne: true
            referencedRelation: "bids"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_assignments_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: true
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_assignments_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_assignments_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: true
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_assignments_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      job_disputes: {
        Row: {
          admin_notes: string | null
          created_at: string
          description: string
          id: string
          invoice_id: string | null
          job_id: string
          kind: Database["public"]["Enums"]["job_dispute_kind"]
          opened_by: string
          outcome: Database["public"]["Enums"]["job_dispute_outcome"] | null
          refund_amount: number | null
          resolution: string | null
          resolved_at: string | null
          resolved_by: string | null
          respondent_id: string
          status: Database["public"]["Enums"]["job_dispute_status"]
          updated_at: string
        }
        Insert: {
          admin_notes?: string | null
          created_at?: string
          description: string
          id?: string
          invoice_id?: string | null
          job_id: string
          kind: Database["public"]["Enums"]["job_dispute_kind"]
          opened_by?: string
          outcome?: Database["public"]["Enums"]["job_dispute_outcome"] | null
          refund_amount?: number | null
          resolution?: string | null
          resolved_at?: string | null
          resolved_by?: string | null
          respondent_id: string
          status?: Database["public"]["Enums"]["job_dispute_status"]
          updated_at?: string
        }
        Update: {
          admin_notes?: string | null
          created_at?: string
          description?: string
          id?: string
          invoice_id?: string | null
          job_id?: string
          kind?: Database["public"]["Enums"]["job_dispute_kind"]
          opened_by?: string
          outcome?: Database["public"]["Enums"]["job_dispute_outcome"] | null
          refund_amount?: number | null
          resolution?: string | null
          resolved_at?: string | null
          resolved_by?: string | null
          respondent_id?: string
          status?: Database["public"]["Enums"]["job_dispute_status"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_disputes_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_disputes_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_disputes_opened_by_fkey"
            columns: ["opened_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_disputes_resolved_by_fkey"
            columns: ["resolved_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_disputes_respondent_id_fkey"
            columns: ["respondent_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      job_files: {
        Row: {
          caption: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          id: string
          is_primary: boolean
          job_id: string
          kind: Database["public"]["Enums"]["job_file_kind"]
          path: string
          restored_at: string | null
          sort_order: number
        }
        Insert: {
          caption?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          id?: string
          is_primary?: boolean
          job_id: string
          kind?: Database["public"]["Enums"]["job_file_kind"]
          path: string
          restored_at?: string | null
          sort_order?: number
        }
        Update: {
          caption?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          id?: string
          is_primary?: boolean
          job_id?: string
          kind?: Database["public"]["Enums"]["job_file_kind"]
          path?: string
          restored_at?: string | null
          sort_order?: number
        }
        Relationships: [
          {
            foreignKeyName: "job_files_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      job_matches: {
        Row: {
          area_id: string | null
          distance_km: number | null
          job_id: string
          matched_at: string
          provider_id: string
          published_at: string
        }
        Insert: {
          area_id?: string | null
          distance_km?: number | null
          job_id: string
          matched_at?: string
          provider_id: string
          published_at: string
        }
        Update: {
          area_id?: string | null
          distance_km?: number | null
          job_id?: string
          matched_at?: string
          provider_id?: string
          published_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_matches_area_id_fkey"
            columns: ["area_id"]
            isOneToOne: false
            referencedRelation: "service_areas"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_matches_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "job_matches_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      job_status_changes: {
        Row: {
          actor: string
          changed_by: string | null
          created_at: string
          from_status: Database["public"]["Enums"]["job_status"] | null
          id: number
          job_id: string
          reason: string | null
          to_status: Database["public"]["Enums"]["job_status"]
        }
        Insert: {
          actor: string
          changed_by?: string | null
          created_at?: string
          from_status?: Database["public"]["Enums"]["job_status"] | null
          id?: never
          job_id: string
          reason?: string | null
          to_status: Database["public"]["Enums"]["job_status"]
        }
        Update: {
          actor?: string
          changed_by?: string | null
          created_at?: string
          from_status?: Database["public"]["Enums"]["job_status"] | null
          id?: never
          job_id?: string
          reason?: string | null
          to_status?: Database["public"]["Enums"]["job_status"]
        }
        Relationships: [
          {
            foreignKeyName: "job_status_changes_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      jobs: {
        Row: {
          address_id: string | null
          assigned_at: string | null
          bid_count: number
          budget_max: number | null
          budget_min: number | null
          cancelled_at: string | null
          category_id: string
          city: string | null
          client_id: string
          completed_at: string | null
          country_code: string | null
          created_at: string
          currency: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          description: string
          expires_at: string | null
          final_price: number | null
          id: string
          is_featured: boolean
          owner_blocked_at: string | null
          postal_code: string | null
          provider_id: string | null
          published_at: string | null
          region: string | null
          restored_at: string | null
          service_date: string
          service_starts_at: string
          service_time: string | null
          special_requirements: string | null
          started_at: string | null
          status: Database["public"]["Enums"]["job_status"]
          timezone: string
          title: string
          updated_at: string
          urgency: Database["public"]["Enums"]["job_urgency"]
        }
        Insert: {
          address_id?: string | null
          assigned_at?: string | null
          bid_count?: number
          budget_max?: number | null
          budget_min?: number | null
          cancelled_at?: string | null
          category_id: string
          city?: string | null
          client_id?: string
          completed_at?: string | null
          country_code?: string | null
          created_at?: string
          currency: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          description: string
          expires_at?: string | null
          final_price?: number | null
          id?: string
          is_featured?: boolean
          owner_blocked_at?: string | null
          postal_code?: string | null
          provider_id?: string | null
          published_at?: string | null
          region?: string | null
          restored_at?: string | null
          service_date: string
          service_starts_at: string
          service_time?: string | null
          special_requirements?: string | null
          started_at?: string | null
          status?: Database["public"]["Enums"]["job_status"]
          timezone?: string
          title: string
          updated_at?: string
          urgency?: Database["public"]["Enums"]["job_urgency"]
        }
        Update: {
          address_id?: string | null
          assigned_at?: string | null
          bid_count?: number
          budget_max?: number | null
          budget_min?: number | null
          cancelled_at?: string | null
          category_id?: string
          city?: string | null
          client_id?: string
          completed_at?: string | null
          country_code?: string | null
          created_at?: string
          currency?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          description?: string
          expires_at?: string | null
          final_price?: number | null
          id?: string
          is_featured?: boolean
          owner_blocked_at?: string | null
          postal_code?: string | null
          provider_id?: string | null
          published_at?: string | null
          region?: string | null
          restored_at?: string | null
          service_date?: string
          service_starts_at?: string
          service_time?: string | null
          special_requirements?: string | null
          started_at?: string | null
          status?: Database["public"]["Enums"]["job_status"]
          timezone?: string
          title?: string
          updated_at?: string
          urgency?: Database["public"]["Enums"]["job_urgency"]
        }
        Relationships: [
          {
            foreignKeyName: "jobs_address_id_fkey"
            columns: ["address_id"]
            isOneToOne: false
            referencedRelation: "addresses"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "jobs_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "jobs_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "jobs_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      lab_analytes: {
        Row: {
          code: string
          decimals: number
          id: string
          name: string
          offering_id: string
          sort_order: number
          unit: string
        }
        Insert: {
          code: string
          decimals?: number
          id?: string
          name: string
          offering_id: string
          sort_order?: number
          unit: string
        }
        Update: {
          code?: string
          decimals?: number
          id?: string
          name?: string
          offering_id?: string
          sort_order?: number
          unit?: string
        }
        Relationships: [
          {
            foreignKeyName: "lab_analytes_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      lab_batch_items: {
        Row: {
          added_at: string
          batch_id: string
          booking_item_id: string
          is_active: boolean
        }
        Insert: {
          added_at?: string
          batch_id: string
          booking_item_id: string
          is_active?: boolean
        }
        Update: {
          added_at?: string
          batch_id?: string
          booking_item_id?: string
          is_active?: boolean
        }
        Relationships: [
          {
            foreignKeyName: "lab_batch_items_batch_id_fkey"
            columns: ["batch_id"]
            isOneToOne: false
            referencedRelation: "lab_batches"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_batch_items_booking_item_id_fkey"
            columns: ["booking_item_id"]
            isOneToOne: false
            referencedRelation: "lab_samples"
            referencedColumns: ["booking_item_id"]
          },
        ]
      }
      lab_batches: {
        Row: {
          code: string
          created_at: string
          created_by: string | null
          done_at: string | null
          id: string
          instrument: string | null
          offering_id: string
          started_at: string | null
          status: Database["public"]["Enums"]["lab_batch_status"]
          updated_at: string
        }
        Insert: {
          code: string
          created_at?: string
          created_by?: string | null
          done_at?: string | null
          id?: string
          instrument?: string | null
          offering_id: string
          started_at?: string | null
          status?: Database["public"]["Enums"]["lab_batch_status"]
          updated_at?: string
        }
        Update: {
          code?: string
          created_at?: string
          created_by?: string | null
          done_at?: string | null
          id?: string
          instrument?: string | null
          offering_id?: string
          started_at?: string | null
          status?: Database["public"]["Enums"]["lab_batch_status"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "lab_batches_created_by_fkey"
            columns: ["created_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_batches_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      lab_reference_ranges: {
        Row: {
          analyte_id: string
          critical_high: number | null
          critical_low: number | null
          high: number
          id: string
          low: number
          species: Database["public"]["Enums"]["pet_species"] | null
        }
        Insert: {
          analyte_id: string
          critical_high?: number | null
          critical_low?: number | null
          high: number
          id?: string
          low: number
          species?: Database["public"]["Enums"]["pet_species"] | null
        }
        Update: {
          analyte_id?: string
          critical_high?: number | null
          critical_low?: number | null
          high?: number
          id?: string
          low?: number
          species?: Database["public"]["Enums"]["pet_species"] | null
        }
        Relationships: [
          {
            foreignKeyName: "lab_reference_ranges_analyte_id_fkey"
            columns: ["analyte_id"]
            isOneToOne: false
            referencedRelation: "lab_analytes"
            referencedColumns: ["id"]
          },
        ]
      }
      lab_reports: {
        Row: {
          booking_id: string
          booking_item_id: string
          comments: string | null
          created_at: string
          id: string
          is_current: boolean
          owner_id: string
          pdf_path: string | null
          pdf_rendered_at: string | null
          pdf_size: number | null
          pet_id: string | null
          released_at: string | null
          released_by: string | null
          render_attempts: number
          render_claimed_until: string | null
          render_error: string | null
          reported_at: string
          reported_by: string | null
          results: NonNullable<Json>
          status: Database["public"]["Enums"]["lab_report_status"]
          version: number
        }
        Insert: {
          booking_id: string
          booking_item_id: string
          comments?: string | null
          created_at?: string
          id?: string
          is_current?: boolean
          owner_id: string
          pdf_path?: string | null
          pdf_rendered_at?: string | null
          pdf_size?: number | null
          pet_id?: string | null
          released_at?: string | null
          released_by?: string | null
          render_attempts?: number
          render_claimed_until?: string | null
          render_error?: string | null
          reported_at?: string
          reported_by?: string | null
          results: NonNullable<Json>
          status?: Database["public"]["Enums"]["lab_report_status"]
          version: number
        }
        Update: {
          booking_id?: string
          booking_item_id?: string
          comments?: string | null
          created_at?: string
          id?: string
          is_current?: boolean
          owner_id?: string
          pdf_path?: string | null
          pdf_rendered_at?: string | null
          pdf_size?: number | null
          pet_id?: string | null
          released_at?: string | null
          released_by?: string | null
          render_attempts?: number
          render_claimed_until?: string | null
          render_error?: string | null
          reported_at?: string
          reported_by?: string | null
          results?: NonNullable<Json>
          status?: Database["public"]["Enums"]["lab_report_status"]
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: "lab_reports_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_reports_booking_item_id_fkey"
            columns: ["booking_item_id"]
            isOneToOne: false
            referencedRelation: "lab_samples"
            referencedColumns: ["booking_item_id"]
          },
          {
            foreignKeyName: "lab_reports_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_reports_pet_id_fkey"
            columns: ["pet_id"]
            isOneToOne: false
            referencedRelation: "pets"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_reports_released_by_fkey"
            columns: ["released_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_reports_reported_by_fkey"
            columns: ["reported_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      lab_results: {
        Row: {
          analyte_id: string
          booking_item_id: string
          entered_at: string
          entered_by: string | null
          flag: Database["public"]["Enums"]["lab_flag"]
          high: number | null
          low: number | null
          value: number
        }
        Insert: {
          analyte_id: string
          booking_item_id: string
          entered_at?: string
          entered_by?: string | null
          flag: Database["public"]["Enums"]["lab_flag"]
          high?: number | null
          low?: number | null
          value: number
        }
        Update: {
          analyte_id?: string
          booking_item_id?: string
          entered_at?: string
          entered_by?: string | null
          flag?: Database["public"]["Enums"]["lab_flag"]
          high?: number | null
          low?: number | null
          value?: number
        }
        Relationships: [
          {
            foreignKeyName: "lab_results_analyte_id_fkey"
            columns: ["analyte_id"]
            isOneToOne: false
            referencedRelation: "lab_analytes"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_results_booking_item_id_fkey"
            columns: ["booking_item_id"]
            isOneToOne: false
            referencedRelation: "lab_samples"
            referencedColumns: ["booking_item_id"]
          },
          {
            foreignKeyName: "lab_results_entered_by_fkey"
            columns: ["entered_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      lab_sample_status_changes: {
        Row: {
          actor: string
          booking_item_id: string
          changed_by: string | null
          created_at: string
          from_status: Database["public"]["Enums"]["lab_sample_status"] | null
          id: number
          note: string | null
          to_status: Database["public"]["Enums"]["lab_sample_status"]
        }
        Insert: {
          actor: string
          booking_item_id: string
          changed_by?: string | null
          created_at?: string
          from_status?: Database["public"]["Enums"]["lab_sample_status"] | null
          id?: never
          note?: string | null
          to_status: Database["public"]["Enums"]["lab_sample_status"]
        }
        Update: {
          actor?: string
          booking_item_id?: string
          changed_by?: string | null
          created_at?: string
          from_status?: Database["public"]["Enums"]["lab_sample_status"] | null
          id?: never
          note?: string | null
          to_status?: Database["public"]["Enums"]["lab_sample_status"]
        }
        Relationships: [
          {
            foreignKeyName: "lab_sample_status_changes_booking_item_id_fkey"
            columns: ["booking_item_id"]
            isOneToOne: false
            referencedRelation: "lab_samples"
            referencedColumns: ["booking_item_id"]
          },
        ]
      }
      lab_samples: {
        Row: {
          analysis_started_at: string | null
          booking_id: string
          booking_item_id: string
          collected_at: string | null
          collected_by: string | null
          collection_notes: string | null
          collector_id: string | null
          created_at: string
          offering_id: string
          owner_id: string
          pet_id: string | null
          received_at: string | null
          received_by: string | null
          recollection_needed: boolean | null
          rejected_at: string | null
          rejected_by: string | null
          rejection_reason: string | null
          released_at: string | null
          released_by: string | null
          reported_at: string | null
          reported_by: string | null
          sample_condition: string | null
          scheduled_at: string
          status: Database["public"]["Enums"]["lab_sample_status"]
          tube_count: number | null
          updated_at: string
        }
        Insert: {
          analysis_started_at?: string | null
          booking_id: string
          booking_item_id: string
          collected_at?: string | null
          collected_by?: string | null
          collection_notes?: string | null
          collector_id?: string | null
          created_at?: string
          offering_id: string
          owner_id: string
          pet_id?: string | null
          received_at?: string | null
          received_by?: string | null
          recollection_needed?: boolean | null
          rejected_at?: string | null
          rejected_by?: string | null
          rejection_reason?: string | null
          released_at?: string | null
          released_by?: string | null
          reported_at?: string | null
          reported_by?: string | null
          sample_condition?: string | null
          scheduled_at: string
          status?: Database["public"]["Enums"]["lab_sample_status"]
          tube_count?: number | null
          updated_at?: string
        }
        Update: {
          analysis_started_at?: string | null
          booking_id?: string
          booking_item_id?: string
          collected_at?: string | null
          collected_by?: string | null
          collection_notes?: string | null
          collector_id?: string | null
          created_at?: string
          offering_id?: string
          owner_id?: string
          pet_id?: string | null
          received_at?: string | null
          received_by?: string | null
          recollection_needed?: boolean | null
          rejected_at?: string | null
          rejected_by?: string | null
          rejection_reason?: string | null
          released_at?: string | null
          released_by?: string | null
          reported_at?: string | null
          reported_by?: string | null
          sample_condition?: string | null
          scheduled_at?: string
          status?: Database["public"]["Enums"]["lab_sample_status"]
          tube_count?: number | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "lab_samples_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_booking_item_id_fkey"
            columns: ["booking_item_id"]
            isOneToOne: true
            referencedRelation: "booking_items"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_collected_by_fkey"
            columns: ["collected_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_collector_id_fkey"
            columns: ["collector_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_pet_id_fkey"
            columns: ["pet_id"]
            isOneToOne: false
            referencedRelation: "pets"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_received_by_fkey"
            columns: ["received_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_rejected_by_fkey"
            columns: ["rejected_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_released_by_fkey"
            columns: ["released_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "lab_samples_reported_by_fkey"
            columns: ["reported_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      lab_test_details: {
        Row: {
          collection_instructions: string | null
          fasting_required: boolean
          offering_id: string
          sample_quantity_ml: number
          tube_type: string
          turnaround_hours: number
        }
        Insert: {
          collection_instructions?: string | null
          fasting_required?: boolean
          offering_id: string
          sample_quantity_ml: number
          tube_type: string
          turnaround_hours: number
        }
        Update: {
          collection_instructions?: string | null
          fasting_required?: boolean
          offering_id?: string
          sample_quantity_ml?: number
          tube_type?: string
          turnaround_hours?: number
        }
        Relationships: [
          {
            foreignKeyName: "lab_test_details_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: true
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      languages: {
        Row: {
          code: string
          created_at: string
          currency_code: string | null
          english_name: string
          flag_emoji: string | null
          is_active: boolean
          is_default: boolean
          is_rtl: boolean
          locale: string
          native_name: string
          sort_order: number
          updated_at: string
        }
        Insert: {
          code: string
          created_at?: string
          currency_code?: string | null
          english_name: string
          flag_emoji?: string | null
          is_active?: boolean
          is_default?: boolean
          is_rtl?: boolean
          locale: string
          native_name: string
          sort_order?: number
          updated_at?: string
        }
        Update: {
          code?: string
          created_at?: string
          currency_code?: string | null
          english_name?: string
          flag_emoji?: string | null
          is_active?: boolean
          is_default?: boolean
          is_rtl?: boolean
          locale?: string
          native_name?: string
          sort_order?: number
          updated_at?: string
        }
        Relationships: []
      }
      match_cache: {
        Row: {
          client_id: string
          coach_ids: string[]
          computations: number
          computed_at: string
          expires_at: string
          invalidated_at: string | null
          invalidated_by: string | null
          results: NonNullable<Json>
        }
        Insert: {
          client_id: string
          coach_ids: string[]
          computations?: number
          computed_at?: string
          expires_at: string
          invalidated_at?: string | null
          invalidated_by?: string | null
          results: NonNullable<Json>
        }
        Update: {
          client_id?: string
          coach_ids?: string[]
          computations?: number
          computed_at?: string
          expires_at?: string
          invalidated_at?: string | null
          invalidated_by?: string | null
          results?: NonNullable<Json>
        }
        Relationships: [
          {
            foreignKeyName: "match_cache_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: true
            referencedRelation: "client_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      matching_factors: {
        Row: {
          description: string | null
          key: string
          label: string
          max_value: number
          min_value: number
          sort_order: number
        }
        Insert: {
          description?: string | null
          key: string
          label: string
          max_value?: number
          min_value?: number
          sort_order?: number
        }
        Update: {
          description?: string | null
          key?: string
          label?: string
          max_value?: number
          min_value?: number
          sort_order?: number
        }
        Relationships: []
      }
      matching_rules: {
        Row: {
          attribute: Database["public"]["Enums"]["match_attribute"]
          created_at: string
          factor_key: string | null
          id: string
          inverted: boolean
          reason: string
          scoring: Database["public"]["Enums"]["match_scoring"]
          updated_at: string
          weight: number
        }
        Insert: {
          attribute: Database["public"]["Enums"]["match_attribute"]
          created_at?: string
          factor_key?: string | null
          id?: string
          inverted?: boolean
          reason: string
          scoring: Database["public"]["Enums"]["match_scoring"]
          updated_at?: string
          weight: number
        }
        Update: {
          attribute?: Database["public"]["Enums"]["match_attribute"]
          created_at?: string
          factor_key?: string | null
          id?: string
          inverted?: boolean
          reason?: string
          scoring?: Database["public"]["Enums"]["match_scoring"]
          updated_at?: string
          weight?: number
        }
        Relationships: [
          {
            foreignKeyName: "matching_rules_factor_key_fkey"
            columns: ["factor_key"]
            isOneToOne: false
            referencedRelation: "matching_factors"
            referencedColumns: ["key"]
          },
        ]
      }
      notification_categories: {
        Row: {
          critical: boolean
          default_channels: Database["public"]["Enums"]["notification_channel"][]
          description: string
          key: string
        }
        Insert: {
          critical?: boolean
          default_channels: Database["public"]["Enums"]["notification_channel"][]
          description: string
          key: string
        }
        Update: {
          critical?: boolean
          default_channels?: Database["public"]["Enums"]["notification_channel"][]
          description?: string
          key?: string
        }
        Relationships: []
      }
      notification_deliveries: {
        Row: {
          attempts: number
          channel: Database["public"]["Enums"]["notification_channel"]
          claimed_by: string | null
          created_at: string
          destination: string
          digest: boolean
          id: string
          last_error: string | null
          lease_expires_at: string | null
          locale: string
          max_attempts: number
          next_attempt_at: string
          outbox_id: number
          priority: number
          provider: string | null
          provider_message_id: string | null
          push_token_id: string | null
          sent_at: string | null
          status: Database["public"]["Enums"]["notification_delivery_status"]
          updated_at: string
          user_id: string
        }
        Insert: {
          attempts?: number
          channel: Database["public"]["Enums"]["notification_channel"]
          claimed_by?: string | null
          created_at?: string
          destination: string
          digest?: boolean
          id?: string
          last_error?: string | null
          lease_expires_at?: string | null
          locale?: string
          max_attempts?: number
          next_attempt_at?: string
          outbox_id: number
          priority?: number
          provider?: string | null
          provider_message_id?: string | null
          push_token_id?: string | null
          sent_at?: string | null
          status?: Database["public"]["Enums"]["notification_delivery_status"]
          updated_at?: string
          user_id: string
        }
        Update: {
          attempts?: number
          channel?: Database["public"]["Enums"]["notification_channel"]
          claimed_by?: string | null
          created_at?: string
          destination?: string
          digest?: boolean
          id?: string
          last_error?: string | null
          lease_expires_at?: string | null
          locale?: string
          max_attempts?: number
          next_attempt_at?: string
          outbox_id?: number
          priority?: number
          provider?: string | null
          provider_message_id?: string | null
          push_token_id?: string | null
          sent_at?: string | null
          status?: Database["public"]["Enums"]["notification_delivery_status"]
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      notification_event_types: {
        Row: {
          category: string
          description: string
          key: string
          priority: number
          severity: Database["public"]["Enums"]["notification_severity"]
          variables: string[]
        }
        Insert: {
          category: string
          description: string
          key: string
          priority?: number
          severity?: Database["public"]["Enums"]["notification_severity"]
          variables: string[]
        }
        Update: {
          category?: string
          description?: string
          key?: string
          priority?: number
          severity?: Database["public"]["Enums"]["notification_severity"]
          variables?: string[]
        }
        Relationships: [
          {
            foreignKeyName: "notification_event_types_category_fkey"
            columns: ["category"]
            isOneToOne: false
            referencedRelation: "notification_categories"
            referencedColumns: ["key"]
          },
        ]
      }
      notification_preferences: {
        Row: {
          category: string
          channel: Database["public"]["Enums"]["notification_channel"]
          enabled: boolean
          updated_at: string
          user_id: string
        }
        Insert: {
          category: string
          channel: Database["public"]["Enums"]["notification_channel"]
          enabled: boolean
          updated_at?: string
          user_id: string
        }
        Update: {
          category?: string
          channel?: Database["public"]["Enums"]["notification_channel"]
          enabled?: boolean
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "notification_preferences_category_fkey"
            columns: ["category"]
            isOneToOne: false
            referencedRelation: "notification_categories"
            referencedColumns: ["key"]
          },
          {
            foreignKeyName: "notification_preferences_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      notification_settings: {
        Row: {
          created_at: string
          digest_enabled: boolean
          digest_hour: number
          quiet_hours_end: string | null
          quiet_hours_start: string | null
          timezone: string
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          digest_enabled?: boolean
          digest_hour?: number
          quiet_hours_end?: string | null
          quiet_hours_start?: string | null
          timezone?: string
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          digest_enabled?: boolean
          digest_hour?: number
          quiet_hours_end?: string | null
          quiet_hours_start?: string | null
          timezone?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "notification_settings_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      notification_templates: {
        Row: {
          action_url: string | null
          body: string
          channel: Database["public"]["Enums"]["notification_channel"]
          created_at: string
          event_type: string
          id: string
          locale: string
          subject: string | null
          title: string
          updated_at: string
        }
        Insert: {
          action_url?: string | null
          body: string
          channel: Database["public"]["Enums"]["notification_channel"]
          created_at?: string
          event_type: string
          id?: string
          locale?: string
          subject?: string | null
          title: string
          updated_at?: string
        }
        Update: {
          action_url?: string | null
          body?: string
          channel?: Database["public"]["Enums"]["notification_channel"]
          created_at?: string
          event_type?: string
          id?: string
          locale?: string
          subject?: string | null
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "notification_templates_event_type_fkey"
            columns: ["event_type"]
            isOneToOne: false
            referencedRelation: "notification_event_types"
            referencedColumns: ["key"]
          },
          {
            foreignKeyName: "notification_templates_locale_language"
            columns: ["locale"]
            isOneToOne: false
            referencedRelation: "languages"
            referencedColumns: ["code"]
          },
        ]
      }
      notification_topics: {
        Row: {
          created_at: string
          description: string
          key: string
          kind: string
          role: Database["public"]["Enums"]["app_role"] | null
          updated_at: string
        }
        Insert: {
          created_at?: string
          description: string
          key: string
          kind: string
          role?: Database["public"]["Enums"]["app_role"] | null
          updated_at?: string
        }
        Update: {
          created_at?: string
          description?: string
          key?: string
          kind?: string
          role?: Database["public"]["Enums"]["app_role"] | null
          updated_at?: string
        }
        Relationships: []
      }
      notifications: {
        Row: {
          action_url: string | null
          body: string
          category: string
          created_at: string
          data: NonNullable<Json>
          event_type: string
          id: string
          outbox_id: number
          priority: number
          read_at: string | null
          severity: Database["public"]["Enums"]["notification_severity"]
          title: string
          user_id: string
        }
        Insert: {
          action_url?: string | null
          body: string
          category: string
          created_at?: string
          data?: NonNullable<Json>
          event_type: string
          id?: string
          outbox_id: number
          priority?: number
          read_at?: string | null
          severity?: Database["public"]["Enums"]["notification_severity"]
          title: string
          user_id: string
        }
        Update: {
          action_url?: string | null
          body?: string
          category?: string
          created_at?: string
          data?: NonNullable<Json>
          event_type?: string
          id?: string
          outbox_id?: number
          priority?: number
          read_at?: string | null
          severity?: Database["public"]["Enums"]["notification_severity"]
          title?: string
          user_id?: string
        }
        Relationships: []
      }
      offering_addons: {
        Row: {
          category_id: string | null
          created_at: string
          description: string | null
          duration_minutes: number
          id: string
          is_active: boolean
          max_quantity: number
          min_quantity: number
          name: string
          offering_id: string | null
          price: number
          price_type: Database["public"]["Enums"]["addon_price_type"]
          updated_at: string
        }
        Insert: {
          category_id?: string | null
          created_at?: string
          description?: string | null
          duration_minutes?: number
          id?: string
          is_active?: boolean
          max_quantity?: number
          min_quantity?: number
          name: string
          offering_id?: string | null
          price: number
          price_type?: Database["public"]["Enums"]["addon_price_type"]
          updated_at?: string
        }
        Update: {
          category_id?: string | null
          created_at?: string
          description?: string | null
          duration_minutes?: number
          id?: string
          is_active?: boolean
          max_quantity?: number
          min_quantity?: number
          name?: string
          offering_id?: string | null
          price?: number
          price_type?: Database["public"]["Enums"]["addon_price_type"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "offering_addons_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "offering_addons_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      offering_categories: {
        Row: {
          category_id: string
          created_at: string
          is_active: boolean
          offering_id: string
          rating: number
        }
        Insert: {
          category_id: string
          created_at?: string
          is_active?: boolean
          offering_id: string
          rating?: number
        }
        Update: {
          category_id?: string
          created_at?: string
          is_active?: boolean
          offering_id?: string
          rating?: number
        }
        Relationships: [
          {
            foreignKeyName: "offering_categories_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "offering_categories_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      offering_media: {
        Row: {
          alt_text: string | null
          created_at: string
          id: string
          kind: Database["public"]["Enums"]["media_kind"]
          object_path: string
          offering_id: string
          sort_order: number
        }
        Insert: {
          alt_text?: string | null
          created_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["media_kind"]
          object_path: string
          offering_id: string
          sort_order?: number
        }
        Update: {
          alt_text?: string | null
          created_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["media_kind"]
          object_path?: string
          offering_id?: string
          sort_order?: number
        }
        Relationships: [
          {
            foreignKeyName: "offering_media_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      offering_packages: {
        Row: {
          category_id: string | null
          created_at: string
          description: string | null
          discount_percent: number | null
          id: string
          is_active: boolean
          is_popular: boolean
          name: string
          offering_id: string | null
          package_price: number | null
          updated_at: string
          valid_from: string | null
          valid_until: string | null
        }
        Insert: {
          category_id?: string | null
          created_at?: string
          description?: string | null
          discount_percent?: number | null
          id?: string
          is_active?: boolean
          is_popular?: boolean
          name: string
          offering_id?: string | null
          package_price?: number | null
          updated_at?: string
          valid_from?: string | null
          valid_until?: string | null
        }
        Update: {
          category_id?: string | null
          created_at?: string
          description?: string | null
          discount_percent?: number | null
          id?: string
          is_active?: boolean
          is_popular?: boolean
          name?: string
          offering_id?: string | null
          package_price?: number | null
          updated_at?: string
          valid_from?: string | null
          valid_until?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "offering_packages_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "offering_packages_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      offering_tags: {
        Row: {
          offering_id: string
          tag_id: string
        }
        Insert: {
          offering_id: string
          tag_id: string
        }
        Update: {
          offering_id?: string
          tag_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "offering_tags_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "offering_tags_tag_id_fkey"
            columns: ["tag_id"]
            isOneToOne: false
            referencedRelation: "tags"
            referencedColumns: ["id"]
          },
        ]
      }
      offerings: {
        Row: {
          category_id: string
          created_at: string
          currency: string
          description: string | null
          duration_minutes: number
          features: string[]
          free_cancellation_hours: number
          id: string
          kind: Database["public"]["Enums"]["offering_kind"]
          late_cancellation_fee_share: number
          location: Database["public"]["Enums"]["offering_location"]
          owner_blocked_at: string | null
          price: number
          provider_id: string | null
          rating: number
          rating_count: number
          rating_sum: number
          scheduled_on: Database["public"]["Enums"]["schedule_owner"]
          search: unknown
          status: Database["public"]["Enums"]["offering_status"]
          title: string
          updated_at: string
        }
        Insert: {
          category_id: string
          created_at?: string
          currency: string
          description?: string | null
          duration_minutes: number
          features?: string[]
          free_cancellation_hours?: number
          id?: string
          kind: Database["public"]["Enums"]["offering_kind"]
          late_cancellation_fee_share?: number
          location?: Database["public"]["Enums"]["offering_location"]
          owner_blocked_at?: string | null
          price: number
          provider_id?: string | null
          rating?: number
          rating_count?: number
          rating_sum?: number
          scheduled_on?: Database["public"]["Enums"]["schedule_owner"]
          search?: never
          status?: Database["public"]["Enums"]["offering_status"]
          title: string
          updated_at?: string
        }
        Update: {
          category_id?: string
          created_at?: string
          currency?: string
          description?: string | null
          duration_minutes?: number
          features?: string[]
          free_cancellation_hours?: number
          id?: string
          kind?: Database["public"]["Enums"]["offering_kind"]
          late_cancellation_fee_share?: number
          location?: Database["public"]["Enums"]["offering_location"]
          owner_blocked_at?: string | null
          price?: number
          provider_id?: string | null
          rating?: number
          rating_count?: number
          rating_sum?: number
          scheduled_on?: Database["public"]["Enums"]["schedule_owner"]
          search?: never
          status?: Database["public"]["Enums"]["offering_status"]
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "offerings_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "offerings_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      offers: {
        Row: {
          amount_off: number | null
          category_id: string | null
          created_at: string
          created_by: string | null
          currency: string | null
          description: string | null
          id: string
          is_active: boolean
          is_automatic: boolean
          max_discount: number | null
          min_order_amount: number
          name: string
          offering_id: string | null
          percent_off: number | null
          updated_at: string
          valid_from: string | null
          valid_until: string | null
        }
        Insert: {
          amount_off?: number | null
          category_id?: string | null
          created_at?: string
          created_by?: string | null
          currency?: string | null
          description?: string | null
          id?: string
          is_active?: boolean
          is_automatic?: boolean
          max_discount?: number | null
          min_order_amount?: number
          name: string
          offering_id?: string | null
          percent_off?: number | null
          updated_at?: string
          valid_from?: string | null
          valid_until?: string | null
        }
        Update: {
          amount_off?: number | null
          category_id?: string | null
          created_at?: string
          created_by?: string | null
          currency?: string | null
          description?: string | null
          id?: string
          is_active?: boolean
          is_automatic?: boolean
          max_discount?: number | null
          min_order_amount?: number
          name?: string
          offering_id?: string | null
          percent_off?: number | null
          updated_at?: string
          valid_from?: string | null
          valid_until?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "offers_category_id_fkey"
            columns: ["category_id"]
            isOneToOne: false
            referencedRelation: "categories"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "offers_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      package_addons: {
        Row: {
          addon_id: string
          package_id: string
          quantity: number
        }
        Insert: {
          addon_id: string
          package_id: string
          quantity?: number
        }
        Update: {
          addon_id?: string
          package_id?: string
          quantity?: number
        }
        Relationships: [
          {
            foreignKeyName: "package_addons_addon_id_fkey"
            columns: ["addon_id"]
            isOneToOne: false
            referencedRelation: "offering_addons"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "package_addons_package_id_fkey"
            columns: ["package_id"]
            isOneToOne: false
            referencedRelation: "offering_packages"
            referencedColumns: ["id"]
          },
        ]
      }
      payment_gateways: {
        Row: {
          currencies: string[]
          gateway: Database["public"]["Enums"]["payment_method"]
          is_active: boolean
          test_mode: boolean
          updated_at: string
        }
        Insert: {
          currencies?: string[]
          gateway: Database["public"]["Enums"]["payment_method"]
          is_active?: boolean
          test_mode?: boolean
          updated_at?: string
        }
        Update: {
          currencies?: string[]
          gateway?: Database["public"]["Enums"]["payment_method"]
          is_active?: boolean
          test_mode?: boolean
          updated_at?: string
        }
        Relationships: []
      }
      payment_methods: {
        Row: {
          bank_name: string | null
          brand: string | null
          created_at: string
          exp_month: number | null
          exp_year: number | null
          id: string
          is_active: boolean
          is_default: boolean
          last_event_at: string | null
          last4: string | null
          stripe_payment_method_id: string
          type: string
          updated_at: string
          user_id: string
          wallet: string | null
        }
        Insert: {
          bank_name?: string | null
          brand?: string | null
          created_at?: string
          exp_month?: number | null
          exp_year?: number | null
          id?: string
          is_active?: boolean
          is_default?: boolean
          last_event_at?: string | null
          last4?: string | null
          stripe_payment_method_id: string
          type: string
          updated_at?: string
          user_id: string
          wallet?: string | null
        }
        Update: {
          bank_name?: string | null
          brand?: string | null
          created_at?: string
          exp_month?: number | null
          exp_year?: number | null
          id?: string
          is_active?: boolean
          is_default?: boolean
          last_event_at?: string | null
          last4?: string | null
          stripe_payment_method_id?: string
          type?: string
          updated_at?: string
          user_id?: string
          wallet?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "payment_methods_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      payments: {
        Row: {
          amount: number
          amount_refunded: number
          application_fee: number
          applied: boolean
          booking_id: string | null
          charge_amount_refunded: number
          charge_refunded_at: string | null
          checkout_expire_requested_at: string | null
          checkout_expires_at: string | null
          checkout_url: string | null
          client_id: string
          created_at: string
          currency: string
          destination_account: string | null
          failure_message: string | null
          id: string
          invoice_id: string
          last_event_at: string | null
          last_event_rank: number | null
          method: Database["public"]["Enums"]["payment_method"]
          paypal_capture_id: string | null
          paypal_order_id: string | null
          provider_id: string | null
          reference: string | null
          review_note: string | null
          reviewed_at: string | null
          reviewed_by: string | null
          saved_payment_method_id: string | null
          status: Database["public"]["Enums"]["payment_status"]
          stripe_charge_id: string | null
          stripe_checkout_session_id: string | null
          stripe_payment_intent_id: string | null
          succeeded_at: string | null
          updated_at: string
        }
        Insert: {
          amount: number
          amount_refunded?: number
          application_fee?: number
          applied?: boolean
          booking_id?: string | null
          charge_amount_refunded?: number
          charge_refunded_at?: string | null
          checkout_expire_requested_at?: string | null
          checkout_expires_at?: string | null
          checkout_url?: string | null
          client_id: string
          created_at?: string
          currency: string
          destination_account?: string | null
          failure_message?: string | null
          id?: string
          invoice_id: string
          last_event_at?: string | null
          last_event_rank?: number | null
          method: Database["public"]["Enums"]["payment_method"]
          paypal_capture_id?: string | null
          paypal_order_id?: string | null
          provider_id?: string | null
          reference?: string | null
          review_note?: string | null
          reviewed_at?: string | null
          reviewed_by?: string | null
          saved_payment_method_id?: string | null
          status?: Database["public"]["Enums"]["payment_status"]
          stripe_charge_id?: string | null
          stripe_checkout_session_id?: string | null
          stripe_payment_intent_id?: string | null
          succeeded_at?: string | null
          updated_at?: string
        }
        Update: {
          amount?: number
          amount_refunded?: number
          application_fee?: number
          applied?: boolean
          booking_id?: string | null
          charge_amount_refunded?: number
          charge_refunded_at?: string | null
          checkout_expire_requested_at?: string | null
          checkout_expires_at?: string | null
          checkout_url?: string | null
          client_id?: string
          created_at?: string
          currency?: string
          destination_account?: string | null
          failure_message?: string | null
          id?: string
          invoice_id?: string
          last_event_at?: string | null
          last_event_rank?: number | null
          method?: Database["public"]["Enums"]["payment_method"]
          paypal_capture_id?: string | null
          paypal_order_id?: string | null
          provider_id?: string | null
          reference?: string | null
          review_note?: string | null
          reviewed_at?: string | null
          reviewed_by?: string | null
          saved_payment_method_id?: string | null
          status?: Database["public"]["Enums"]["payment_status"]
          stripe_charge_id?: string | null
          stripe_checkout_session_id?: string | null
          stripe_payment_intent_id?: string | null
          succeeded_at?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "payments_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "payments_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "payments_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "payments_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "payments_reviewed_by_fkey"
            columns: ["reviewed_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "payments_saved_payment_method_id_fkey"
            columns: ["saved_payment_method_id"]
            isOneToOne: false
            referencedRelation: "payment_methods"
            referencedColumns: ["id"]
          },
        ]
      }
      pets: {
        Row: {
          archived_at: string | null
          birth_date: string | null
          breed: string | null
          created_at: string
          id: string
          name: string
          notes: string | null
          owner_id: string
          sex: string | null
          species: Database["public"]["Enums"]["pet_species"]
          updated_at: string
          weight_kg: number | null
        }
        Insert: {
          archived_at?: string | null
          birth_date?: string | null
          breed?: string | null
          created_at?: string
          id?: string
          name: string
          notes?: string | null
          owner_id: string
          sex?: string | null
          species: Database["public"]["Enums"]["pet_species"]
          updated_at?: string
          weight_kg?: number | null
        }
        Update: {
          archived_at?: string | null
          birth_date?: string | null
          breed?: string | null
          created_at?: string
          id?: string
          name?: string
          notes?: string | null
          owner_id?: string
          sex?: string | null
          species?: Database["public"]["Enums"]["pet_species"]
          updated_at?: string
          weight_kg?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "pets_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      posts: {
        Row: {
          author_id: string
          body: string
          comment_count: number
          cover_path: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          id: string
          is_private: boolean
          kind: Database["public"]["Enums"]["post_kind"]
          owner_blocked_at: string | null
          published_at: string | null
          reaction_count: number
          restored_at: string | null
          search: unknown
          slug: string | null
          status: Database["public"]["Enums"]["post_status"]
          tags: string[]
          title: string
          updated_at: string
        }
        Insert: {
          author_id: string
          body: string
          comment_count?: number
          cover_path?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          hidden_at?: string | null
          id?: string
          is_private?: boolean
          kind: Database["public"]["Enums"]["post_kind"]
          owner_blocked_at?: string | null
          published_at?: string | null
          reaction_count?: number
          restored_at?: string | null
          search?: never
          slug?: string | null
          status?: Database["public"]["Enums"]["post_status"]
          tags?: string[]
          title: string
          updated_at?: string
        }
        Update: {
          author_id?: string
          body?: string
          comment_count?: number
          cover_path?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          hidden_at?: string | null
          id?: string
          is_private?: boolean
          kind?: Database["public"]["Enums"]["post_kind"]
          owner_blocked_at?: string | null
          published_at?: string | null
          reaction_count?: number
          restored_at?: string | null
          search?: never
          slug?: string | null
          status?: Database["public"]["Enums"]["post_status"]
          tags?: string[]
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "posts_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      product_files: {
        Row: {
          created_at: string
          id: string
          mimetype: string | null
          name: string
          notes: string | null
          offering_id: string
          path: string
          size: number | null
          version: number
        }
        Insert: {
          created_at?: string
          id?: string
          mimetype?: string | null
          name: string
          notes?: string | null
          offering_id: string
          path: string
          size?: number | null
          version: number
        }
        Update: {
          created_at?: string
          id?: string
          mimetype?: string | null
          name?: string
          notes?: string | null
          offering_id?: string
          path?: string
          size?: number | null
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: "product_files_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
        ]
      }
      profile_details: {
        Row: {
          created_at: string
          full_name: string | null
          locale: string | null
          phone: string | null
          updated_at: string
          user_id: string
        }
        Insert: {
          created_at?: string
          full_name?: string | null
          locale?: string | null
          phone?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          created_at?: string
          full_name?: string | null
          locale?: string | null
          phone?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "profile_details_locale_language"
            columns: ["locale"]
            isOneToOne: false
            referencedRelation: "languages"
            referencedColumns: ["code"]
          },
          {
            foreignKeyName: "profile_details_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      profiles: {
        Row: {
          avatar_url: string | null
          created_at: string
          display_name: string
          erased_at: string | null
          id: string
          updated_at: string
        }
        Insert: {
          avatar_url?: string | null
          created_at?: string
          display_name: string
          erased_at?: string | null
          id: string
          updated_at?: string
        }
        Update: {
          avatar_url?: string | null
          created_at?: string
          display_name?: string
          erased_at?: string | null
          id?: string
          updated_at?: string
        }
        Relationships: []
      }
      provider_ledger: {
        Row: {
          amount: number
          currency: string
          description: string
          dispute_id: string | null
          held_by: string
          id: number
          kind: Database["public"]["Enums"]["ledger_entry_kind"]
          occurred_at: string
          payment_id: string | null
          provider_id: string
          refund_id: string | null
          stripe_payout_id: string | null
        }
        Insert: {
          amount: number
          currency: string
          description: string
          dispute_id?: string | null
          held_by: string
          id?: never
          kind: Database["public"]["Enums"]["ledger_entry_kind"]
          occurred_at?: string
          payment_id?: string | null
          provider_id: string
          refund_id?: string | null
          stripe_payout_id?: string | null
        }
        Update: {
          amount?: number
          currency?: string
          description?: string
          dispute_id?: string | null
          held_by?: string
          id?: never
          kind?: Database["public"]["Enums"]["ledger_entry_kind"]
          occurred_at?: string
          payment_id?: string | null
          provider_id?: string
          refund_id?: string | null
          stripe_payout_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "provider_ledger_dispute_id_fkey"
            columns: ["dispute_id"]
            isOneToOne: true
            referencedRelation: "disputes"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "provider_ledger_payment_id_fkey"
            columns: ["payment_id"]
            isOneToOne: false
            referencedRelation: "payments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "provider_ledger_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "provider_ledger_refund_id_fkey"
            columns: ["refund_id"]
            isOneToOne: true
            referencedRelation: "refunds"
            referencedColumns: ["id"]
          },
        ]
      }
      provider_payout_accounts: {
        Row: {
          charges_enabled: boolean
          details_submitted: boolean
          last_event_at: string | null
          payouts_enabled: boolean
          provider_id: string
          stripe_account_id: string
          updated_at: string
        }
        Insert: {
          charges_enabled?: boolean
          details_submitted?: boolean
          last_event_at?: string | null
          payouts_enabled?: boolean
          provider_id: string
          stripe_account_id: string
          updated_at?: string
        }
        Update: {
          charges_enabled?: boolean
          details_submitted?: boolean
          last_event_at?: string | null
          payouts_enabled?: boolean
          provider_id?: string
          stripe_account_id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "provider_payout_accounts_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: true
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      provider_profiles: {
        Row: {
          bio: string | null
          completed_sessions: number
          countries: string[]
          created_at: string
          currency: string
          expertise: string[]
          headline: string | null
          hourly_rate: number | null
          intro_video_path: string | null
          intro_video_url: string | null
          is_verified: boolean
          kind: Database["public"]["Enums"]["provider_kind"]
          languages: string[]
          owner_blocked_at: string | null
          photo_path: string | null
          rating: number
          rating_count: number
          rating_sum: number
          updated_at: string
          user_id: string
          verified_at: string | null
          verified_by: string | null
        }
        Insert: {
          bio?: string | null
          completed_sessions?: number
          countries?: string[]
          created_at?: string
          currency?: string
          expertise?: string[]
          headline?: string | null
          hourly_rate?: number | null
          intro_video_path?: string | null
          intro_video_url?: string | null
          is_verified?: boolean
          kind: Database["public"]["Enums"]["provider_kind"]
          languages?: string[]
          owner_blocked_at?: string | null
          photo_path?: string | null
          rating?: number
          rating_count?: number
          rating_sum?: number
          updated_at?: string
          user_id: string
          verified_at?: string | null
          verified_by?: string | null
        }
        Update: {
          bio?: string | null
          completed_sessions?: number
          countries?: string[]
          created_at?: string
          currency?: string
          expertise?: string[]
          headline?: string | null
          hourly_rate?: number | null
          intro_video_path?: string | null
          intro_video_url?: string | null
          is_verified?: boolean
          kind?: Database["public"]["Enums"]["provider_kind"]
          languages?: string[]
          owner_blocked_at?: string | null
          photo_path?: string | null
          rating?: number
          rating_count?: number
          rating_sum?: number
          updated_at?: string
          user_id?: string
          verified_at?: string | null
          verified_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "provider_profiles_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      provider_rate_bounds: {
        Row: {
          currency: string
          kind: Database["public"]["Enums"]["provider_kind"]
          max_rate: number
          min_rate: number
        }
        Insert: {
          currency: string
          kind: Database["public"]["Enums"]["provider_kind"]
          max_rate: number
          min_rate: number
        }
        Update: {
          currency?: string
          kind?: Database["public"]["Enums"]["provider_kind"]
          max_rate?: number
          min_rate?: number
        }
        Relationships: []
      }
      provider_verifications: {
        Row: {
          created_at: string
          expires_at: string | null
          id: string
          note: string | null
          provider_id: string
          reference: string | null
          requirement: Database["public"]["Enums"]["provider_requirement"]
          revoked_at: string | null
          revoked_by: string | null
          status: Database["public"]["Enums"]["provider_verification_status"]
          updated_at: string
          verified_at: string | null
          verified_by: string | null
        }
        Insert: {
          created_at?: string
          expires_at?: string | null
          id?: string
          note?: string | null
          provider_id: string
          reference?: string | null
          requirement: Database["public"]["Enums"]["provider_requirement"]
          revoked_at?: string | null
          revoked_by?: string | null
          status: Database["public"]["Enums"]["provider_verification_status"]
          updated_at?: string
          verified_at?: string | null
          verified_by?: string | null
        }
        Update: {
          created_at?: string
          expires_at?: string | null
          id?: string
          note?: string | null
          provider_id?: string
          reference?: string | null
          requirement?: Database["public"]["Enums"]["provider_requirement"]
          revoked_at?: string | null
          revoked_by?: string | null
          status?: Database["public"]["Enums"]["provider_verification_status"]
          updated_at?: string
          verified_at?: string | null
          verified_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "provider_verifications_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      purchases: {
        Row: {
          activated_at: string | null
          amount: number
          buyer_id: string
          created_at: string
          currency: string
          download_count: number
          downloads_day: string | null
          downloads_that_day: number
          id: string
          invoice_id: string
          last_download_at: string | null
          offering_id: string
          rejected_at: string | null
          revoked_at: string | null
          seller_id: string | null
          status: Database["public"]["Enums"]["purchase_status"]
          status_reason: string | null
          title: string
          updated_at: string
          version: number
        }
        Insert: {
          activated_at?: string | null
          amount: number
          buyer_id: string
          created_at?: string
          currency: string
          download_count?: number
          downloads_day?: string | null
          downloads_that_day?: number
          id?: string
          invoice_id: string
          last_download_at?: string | null
          offering_id: string
          rejected_at?: string | null
          revoked_at?: string | null
          seller_id?: string | null
          status?: Database["public"]["Enums"]["purchase_status"]
          status_reason?: string | null
          title: string
          updated_at?: string
          version?: number
        }
        Update: {
          activated_at?: string | null
          amount?: number
          buyer_id?: string
          created_at?: string
          currency?: string
          download_count?: number
          downloads_day?: string | null
          downloads_that_day?: number
          id?: string
          invoice_id?: string
          last_download_at?: string | null
          offering_id?: string
          rejected_at?: string | null
          revoked_at?: string | null
          seller_id?: string | null
          status?: Database["public"]["Enums"]["purchase_status"]
          status_reason?: string | null
          title?: string
          updated_at?: string
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: "purchases_buyer_id_fkey"
            columns: ["buyer_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "purchases_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "purchases_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "purchases_seller_id_fkey"
            columns: ["seller_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      push_tokens: {
        Row: {
          created_at: string
          id: string
          last_seen_at: string
          platform: string
          session_id: string | null
          token: string
          user_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          last_seen_at?: string
          platform: string
          session_id?: string | null
          token: string
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          last_seen_at?: string
          platform?: string
          session_id?: string | null
          token?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "push_tokens_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      reactions: {
        Row: {
          comment_id: string | null
          created_at: string
          id: string
          kind: string
          post_id: string | null
          user_id: string
        }
        Insert: {
          comment_id?: string | null
          created_at?: string
          id?: string
          kind?: string
          post_id?: string | null
          user_id: string
        }
        Update: {
          comment_id?: string | null
          created_at?: string
          id?: string
          kind?: string
          post_id?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "reactions_comment_id_fkey"
            columns: ["comment_id"]
            isOneToOne: false
            referencedRelation: "comments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reactions_post_id_fkey"
            columns: ["post_id"]
            isOneToOne: false
            referencedRelation: "posts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reactions_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      refunds: {
        Row: {
          amount: number
          attempts: number
          booking_id: string | null
          claimed_until: string | null
          client_id: string
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          invoice_id: string
          kind: Database["public"]["Enums"]["refund_kind"]
          last_error: string | null
          last_event_at: string | null
          payment_id: string
          paypal_refund_id: string | null
          provider_id: string | null
          reason: string | null
          refund_application_fee: boolean
          requested_by: string | null
          reverse_transfer: boolean
          status: Database["public"]["Enums"]["refund_status"]
          stripe_refund_id: string | null
          succeeded_at: string | null
          updated_at: string
        }
        Insert: {
          amount: number
          attempts?: number
          booking_id?: string | null
          claimed_until?: string | null
          client_id: string
          created_at?: string
          currency: string
          failure_reason?: string | null
          id?: string
          invoice_id: string
          kind: Database["public"]["Enums"]["refund_kind"]
          last_error?: string | null
          last_event_at?: string | null
          payment_id: string
          paypal_refund_id?: string | null
          provider_id?: string | null
          reason?: string | null
          refund_application_fee?: boolean
          requested_by?: string | null
          reverse_transfer?: boolean
          status?: Database["public"]["Enums"]["refund_status"]
          stripe_refund_id?: string | null
          succeeded_at?: string | null
          updated_at?: string
        }
        Update: {
          amount?: number
          attempts?: number
          booking_id?: string | null
          claimed_until?: string | null
          client_id?: string
          created_at?: string
          currency?: string
          failure_reason?: string | null
          id?: string
          invoice_id?: string
          kind?: Database["public"]["Enums"]["refund_kind"]
          last_error?: string | null
          last_event_at?: string | null
          payment_id?: string
          paypal_refund_id?: string | null
          provider_id?: string | null
          reason?: string | null
          refund_application_fee?: boolean
          requested_by?: string | null
          reverse_transfer?: boolean
          status?: Database["public"]["Enums"]["refund_status"]
          stripe_refund_id?: string | null
          succeeded_at?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "refunds_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: false
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "refunds_client_id_fkey"
            columns: ["client_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "refunds_invoice_id_fkey"
            columns: ["invoice_id"]
            isOneToOne: false
            referencedRelation: "invoices"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "refunds_payment_id_fkey"
            columns: ["payment_id"]
            isOneToOne: false
            referencedRelation: "payments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "refunds_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "refunds_requested_by_fkey"
            columns: ["requested_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      resources: {
        Row: {
          created_at: string
          created_by: string
          description: string | null
          file_path: string | null
          id: string
          is_published: boolean
          kind: Database["public"]["Enums"]["resource_kind"]
          tags: string[]
          title: string
          updated_at: string
          url: string | null
        }
        Insert: {
          created_at?: string
          created_by?: string
          description?: string | null
          file_path?: string | null
          id?: string
          is_published?: boolean
          kind: Database["public"]["Enums"]["resource_kind"]
          tags?: string[]
          title: string
          updated_at?: string
          url?: string | null
        }
        Update: {
          created_at?: string
          created_by?: string
          description?: string | null
          file_path?: string | null
          id?: string
          is_published?: boolean
          kind?: Database["public"]["Enums"]["resource_kind"]
          tags?: string[]
          title?: string
          updated_at?: string
          url?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "resources_created_by_fkey"
            columns: ["created_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      reviews: {
        Row: {
          author_id: string
          body: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          hidden_by: string | null
          hidden_reason: string | null
          id: string
          offering_id: string
          owner_blocked_at: string | null
          provider_id: string | null
          purchase_id: string | null
          rating: number
          responded_at: string | null
          response: string | null
          restored_at: string | null
          updated_at: string
        }
        Insert: {
          author_id: string
          body?: string | null
          booking_id?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          hidden_at?: string | null
          hidden_by?: string | null
          hidden_reason?: string | null
          id?: string
          offering_id: string
          owner_blocked_at?: string | null
          provider_id?: string | null
          purchase_id?: string | null
          rating: number
          responded_at?: string | null
          response?: string | null
          restored_at?: string | null
          updated_at?: string
        }
        Update: {
          author_id?: string
          body?: string | null
          booking_id?: string | null
          created_at?: string
          deleted_at?: string | null
          deleted_by_deletion?: string | null
          hidden_at?: string | null
          hidden_by?: string | null
          hidden_reason?: string | null
          id?: string
          offering_id?: string
          owner_blocked_at?: string | null
          provider_id?: string | null
          purchase_id?: string | null
          rating?: number
          responded_at?: string | null
          response?: string | null
          restored_at?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "reviews_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_booking_id_fkey"
            columns: ["booking_id"]
            isOneToOne: true
            referencedRelation: "bookings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_hidden_by_fkey"
            columns: ["hidden_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_offering_id_fkey"
            columns: ["offering_id"]
            isOneToOne: false
            referencedRelation: "offerings"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "reviews_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
          {
            foreignKeyName: "reviews_purchase_id_fkey"
            columns: ["purchase_id"]
            isOneToOne: true
            referencedRelation: "purchases"
            referencedColumns: ["id"]
          },
        ]
      }
      schedules: {
        Row: {
          buffer_after_minutes: number
          buffer_before_minutes: number
          created_at: string
          horizon_days: number
          min_notice_minutes: number
          slot_step_minutes: number
          timezone: string
          updated_at: string
          user_id: string
        }
        Insert: {
          buffer_after_minutes?: number
          buffer_before_minutes?: number
          created_at?: string
          horizon_days?: number
          min_notice_minutes?: number
          slot_step_minutes?: number
          timezone: string
          updated_at?: string
          user_id: string
        }
        Update: {
          buffer_after_minutes?: number
          buffer_before_minutes?: number
          created_at?: string
          horizon_days?: number
          min_notice_minutes?: number
          slot_step_minutes?: number
          timezone?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "schedules_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: true
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      service_areas: {
        Row: {
          address_id: string | null
          country_code: string | null
          created_at: string
          id: string
          is_active: boolean
          name: string
          postal_codes: string[] | null
          price_multiplier: number
          provider_id: string | null
          radius_km: number | null
          travel_fee: number | null
          updated_at: string
        }
        Insert: {
          address_id?: string | null
          country_code?: string | null
          created_at?: string
          id?: string
          is_active?: boolean
          name: string
          postal_codes?: string[] | null
          price_multiplier?: number
          provider_id?: string | null
          radius_km?: number | null
          travel_fee?: number | null
          updated_at?: string
        }
        Update: {
          address_id?: string | null
          country_code?: string | null
          created_at?: string
          id?: string
          is_active?: boolean
          name?: string
          postal_codes?: string[] | null
          price_multiplier?: number
          provider_id?: string | null
          radius_km?: number | null
          travel_fee?: number | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "service_areas_address_id_fkey"
            columns: ["address_id"]
            isOneToOne: false
            referencedRelation: "addresses"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "service_areas_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      tags: {
        Row: {
          created_at: string
          id: string
          name: string
          slug: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
          slug: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          slug?: string
        }
        Relationships: []
      }
      tax_rates: {
        Row: {
          country_code: string | null
          created_at: string
          id: string
          name: string
          rate: number
          updated_at: string
        }
        Insert: {
          country_code?: string | null
          created_at?: string
          id?: string
          name: string
          rate: number
          updated_at?: string
        }
        Update: {
          country_code?: string | null
          created_at?: string
          id?: string
          name?: string
          rate?: number
          updated_at?: string
        }
        Relationships: []
      }
      testimonials: {
        Row: {
          author_name: string
          author_role: string | null
          created_at: string
          id: string
          is_approved: boolean
          photo_path: string | null
          quote: string
          sort_order: number
          updated_at: string
        }
        Insert: {
          author_name: string
          author_role?: string | null
          created_at?: string
          id?: string
          is_approved?: boolean
          photo_path?: string | null
          quote: string
          sort_order?: number
          updated_at?: string
        }
        Update: {
          author_name?: string
          author_role?: string | null
          created_at?: string
          id?: string
          is_approved?: boolean
          photo_path?: string | null
          quote?: string
          sort_order?: number
          updated_at?: string
        }
        Relationships: []
      }
      topic_subscriptions: {
        Row: {
          created_at: string
          topic: string
          user_id: string
        }
        Insert: {
          created_at?: string
          topic: string
          user_id: string
        }
        Update: {
          created_at?: string
          topic?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "topic_subscriptions_topic_fkey"
            columns: ["topic"]
            isOneToOne: false
            referencedRelation: "notification_topics"
            referencedColumns: ["key"]
          },
          {
            foreignKeyName: "topic_subscriptions_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      travel_fee_policies: {
        Row: {
          created_at: string
          currency: string
          free_radius_km: number
          id: string
          maximum_fee: number | null
          minimum_fee: number
          per_km_fee: number
          provider_id: string | null
          updated_at: string
        }
        Insert: {
          created_at?: string
          currency: string
          free_radius_km?: number
          id?: string
          maximum_fee?: number | null
          minimum_fee?: number
          per_km_fee: number
          provider_id?: string | null
          updated_at?: string
        }
        Update: {
          created_at?: string
          currency?: string
          free_radius_km?: number
          id?: string
          maximum_fee?: number | null
          minimum_fee?: number
          per_km_fee?: number
          provider_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "travel_fee_policies_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: true
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      user_blocks: {
        Row: {
          blocked_at: string
          blocked_by: string | null
          reason: string
          user_id: string
        }
        Insert: {
          blocked_at?: string
          blocked_by?: string | null
          reason: string
          user_id: string
        }
        Update: {
          blocked_at?: string
          blocked_by?: string | null
          reason?: string
          user_id?: string
        }
        Relationships: []
      }
      user_roles: {
        Row: {
          created_at: string
          granted_by: string | null
          id: string
          role: Database["public"]["Enums"]["app_role"]
          staff_role: Database["public"]["Enums"]["staff_role"] | null
          user_id: string
        }
        Insert: {
          created_at?: string
          granted_by?: string | null
          id?: string
          role: Database["public"]["Enums"]["app_role"]
          staff_role?: Database["public"]["Enums"]["staff_role"] | null
          user_id: string
        }
        Update: {
          created_at?: string
          granted_by?: string | null
          id?: string
          role?: Database["public"]["Enums"]["app_role"]
          staff_role?: Database["public"]["Enums"]["staff_role"] | null
          user_id?: string
        }
        Relationships: []
      }
    }
    Views: {
      billing_records: {
        Row: {
          commission: number | null
          currency: string | null
          discounts: number | null
          invoiced: number | null
          invoices: number | null
          paid: number | null
          paid_invoices: number | null
          period: string | null
          period_start: string | null
          refunded: number | null
          source: string | null
          subtotal: number | null
          taxes: number | null
          travel_fees: number | null
        }
        Relationships: []
      }
      provider_balances: {
        Row: {
          balance: number | null
          currency: string | null
          entries: number | null
          last_entry_at: string | null
          owed_by_platform: number | null
          provider_id: string | null
        }
        Relationships: [
          {
            foreignKeyName: "provider_ledger_provider_id_fkey"
            columns: ["provider_id"]
            isOneToOne: false
            referencedRelation: "provider_profiles"
            referencedColumns: ["user_id"]
          },
        ]
      }
      stripe_webhook_events: {
        Row: {
          attempts: number | null
          created: string | null
          id: string | null
          last_attempt_at: string | null
          last_error: string | null
          last_error_code: string | null
          outcome: string | null
          payload: Json | null
          processed: boolean | null
          processed_at: string | null
          received_at: string | null
          type: string | null
        }
        Insert: {
          attempts?: number | null
          created?: string | null
          id?: string | null
          last_attempt_at?: string | null
          last_error?: string | null
          last_error_code?: string | null
          outcome?: string | null
          payload?: Json | null
          processed?: never
          processed_at?: string | null
          received_at?: string | null
          type?: string | null
        }
        Update: {
          attempts?: number | null
          created?: string | null
          id?: string | null
          last_attempt_at?: string | null
          last_error?: string | null
          last_error_code?: string | null
          outcome?: string | null
          payload?: Json | null
          processed?: never
          processed_at?: string | null
          received_at?: string | null
          type?: string | null
        }
        Relationships: []
      }
      system_settings: {
        Row: {
          allowed_values: Json | null
          category: string | null
          description: string | null
          is_nullable: boolean | null
          is_public: boolean | null
          key: string | null
          max_value: number | null
          min_value: number | null
          updated_at: string | null
          updated_by: string | null
          validation_regex: string | null
          value: Json | null
          value_type: string | null
        }
        Insert: {
          allowed_values?: Json | null
          category?: string | null
          description?: string | null
          is_nullable?: boolean | null
          is_public?: boolean | null
          key?: string | null
          max_value?: number | null
          min_value?: number | null
          updated_at?: string | null
          updated_by?: string | null
          validation_regex?: string | null
          value?: Json | null
          value_type?: string | null
        }
        Update: {
          allowed_values?: Json | null
          category?: string | null
          description?: string | null
          is_nullable?: boolean | null
          is_public?: boolean | null
          key?: string | null
          max_value?: number | null
          min_value?: number | null
          updated_at?: string | null
          updated_by?: string | null
          validation_regex?: string | null
          value?: Json | null
          value_type?: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      accept_bid: { Args: { bid_id: string; revision?: number }; Returns: Json }
      add_to_lab_batch: {
        Args: { batch_id: string; booking_item_ids: string[] }
        Returns: {
          code: string
          created_at: string
          created_by: string | null
          done_at: string | null
          id: string
          instrument: string | null
          offering_id: string
          started_at: string | null
          status: Database["public"]["Enums"]["lab_batch_status"]
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "lab_batches"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      analyst_queue: {
        Args: { max_rows?: number }
        Returns: {
          analysis_started_at: string | null
          booking_id: string
          booking_item_id: string
          collected_at: string | null
          collected_by: string | null
          collection_notes: string | null
          collector_id: string | null
          created_at: string
          offering_id: string
          owner_id: string
          pet_id: string | null
          received_at: string | null
          received_by: string | null
          recollection_needed: boolean | null
          rejected_at: string | null
          rejected_by: string | null
          rejection_reason: string | null
          released_at: string | null
          released_by: string | null
          reported_at: string | null
          reported_by: string | null
          sample_condition: string | null
          scheduled_at: string
          status: Database["public"]["Enums"]["lab_sample_status"]
          tube_count: number | null
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "lab_samples"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      answer_review: {
        Args: { response: string; review_id: string }
        Returns: {
          author_id: string
          body: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          hidden_by: string | null
          hidden_reason: string | null
          id: string
          offering_id: string
          owner_blocked_at: string | null
          provider_id: string | null
          purchase_id: string | null
          rating: number
          responded_at: string | null
          response: string | null
          restored_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      begin_checkout: { Args: { invoice_id: string }; Returns: Json }
      begin_payout_onboarding: {
        Args: Record<PropertyKey, never>
        Returns: Json
      }
      begin_paypal_checkout: { Args: { invoice_id: string }; Returns: Json }
      begin_removing_payment_method: {
        Args: { payment_method_id: string }
        Returns: Json
      }
      begin_saved_method_payment: {
        Args: { invoice_id: string; payment_method_id: string }
        Returns: Json
      }
      begin_saving_payment_method: {
        Args: Record<PropertyKey, never>
        Returns: Json
      }
      block_user: {
        Args: { reason: string; user_id: string }
        Returns: {
          blocked_at: string
          blocked_by: string | null
          reason: string
          user_id: string
        }
        SetofOptions: {
          from: "*"
          to: "user_blocks"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      cancellation_terms: { Args: { booking_id: string }; Returns: Json }
      check_app_version: {
        Args: { build: number; platform: string }
        Returns: Json
      }
      collector_route: {
        Args: { day?: string }
        Returns: {
          address: string
          booking_id: string
          booking_item_id: string
          city: string
          instructions: string
          owner_name: string
          pet_name: string
          postal_code: string
          scheduled_at: string
          species: Database["public"]["Enums"]["pet_species"]
          status: Database["public"]["Enums"]["lab_sample_status"]
          test_title: string
          tube_type: string
        }[]
      }
      complete_manual_refund: {
        Args: { refund_id: string }
        Returns: {
          amount: number
          attempts: number
          booking_id: string | null
          claimed_until: string | null
          client_id: string
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          invoice_id: string
          kind: Database["public"]["Enums"]["refund_kind"]
          last_error: string | null
          last_event_at: string | null
          payment_id: string
          paypal_refund_id: string | null
          provider_id: string | null
          reason: string | null
          refund_application_fee: boolean
          requested_by: string | null
          reverse_transfer: boolean
          status: Database["public"]["Enums"]["refund_status"]
          stripe_refund_id: string | null
          succeeded_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "refunds"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      confirm_job_completion: {
        Args: { job_id: string; rating?: number; review?: string }
        Returns: {
          assigned_at: string
          bid_id: string
          booking_id: string
          client_confirmed_at: string | null
          client_id: string
          completion_notes: string | null
          job_id: string
          progress_notes: string | null
          provider_id: string
          starts_at: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "job_assignments"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      count_unread_notifications: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      create_booking: {
        Args: {
          addons?: Json
          address_id?: string
          collector_id?: string
          coupon_code?: string
          items: Json
          notes?: string
          package_id?: string
          pet_id?: string
          starts_at: string
        }
        Returns: Json
      }
      create_lab_batch: {
        Args: {
          booking_item_ids: string[]
          code: string
          instrument?: string
          offering_id: string
        }
        Returns: {
          code: string
          created_at: string
          created_by: string | null
          done_at: string | null
          id: string
          instrument: string | null
          offering_id: string
          started_at: string | null
          status: Database["public"]["Enums"]["lab_batch_status"]
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "lab_batches"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      custom_access_token_hook: { Args: { event: Json }; Returns: Json }
      declare_manual_payment: {
        Args: {
          invoice_id: string
          method: Database["public"]["Enums"]["payment_method"]
          reference: string
        }
        Returns: {
          amount: number
          amount_refunded: number
          application_fee: number
          applied: boolean
          booking_id: string | null
          charge_amount_refunded: number
          charge_refunded_at: string | null
          checkout_expire_requested_at: string | null
          checkout_expires_at: string | null
          checkout_url: string | null
          client_id: string
          created_at: string
          currency: string
          destination_account: string | null
          failure_message: string | null
          id: string
          invoice_id: string
          last_event_at: string | null
          last_event_rank: number | null
          method: Database["public"]["Enums"]["payment_method"]
          paypal_capture_id: string | null
          paypal_order_id: string | null
          provider_id: string | null
          reference: string | null
          review_note: string | null
          reviewed_at: string | null
          reviewed_by: string | null
          saved_payment_method_id: string | null
          status: Database["public"]["Enums"]["payment_status"]
          stripe_charge_id: string | null
          stripe_checkout_session_id: string | null
          stripe_payment_intent_id: string | null
          succeeded_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "payments"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      delete_chat_room: {
        Args: { reason?: string; room_id: string }
        Returns: Json
      }
      delete_job: { Args: { job_id: string; reason?: string }; Returns: Json }
      delete_my_account: { Args: Record<PropertyKey, never>; Returns: Json }
      delete_post: { Args: { post_id: string; reason?: string }; Returns: Json }
      delete_review: { Args: { review_id: string }; Returns: undefined }
      edit_review: {
        Args: { body?: string; rating: number; review_id: string }
        Returns: {
          author_id: string
          body: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          hidden_by: string | null
          hidden_reason: string | null
          id: string
          offering_id: string
          owner_blocked_at: string | null
          provider_id: string | null
          purchase_id: string | null
          rating: number
          responded_at: string | null
          response: string | null
          restored_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      enter_lab_results: {
        Args: { booking_item_id: string; results: Json }
        Returns: {
          analyte_id: string
          booking_item_id: string
          entered_at: string
          entered_by: string | null
          flag: Database["public"]["Enums"]["lab_flag"]
          high: number | null
          low: number | null
          value: number
        }[]
        SetofOptions: {
          from: "*"
          to: "lab_results"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      export_my_data: { Args: Record<PropertyKey, never>; Returns: Json }
      free_slots: {
        Args: {
          from_date: string
          offering_id: string
          timezone?: string
          to_date: string
        }
        Returns: {
          ends_at: string
          local_ends_at: string
          local_starts_at: string
          starts_at: string
        }[]
      }
      get_login_state: {
        Args: { user_id: string }
        Returns: {
          failed_attempts: number
          last_sign_in_at: string
          locked_until: string
        }[]
      }
      hard_delete_deletion: { Args: { deletion_id: string }; Returns: Json }
      hide_review: {
        Args: { hidden?: boolean; reason?: string; review_id: string }
        Returns: {
          author_id: string
          body: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          hidden_by: string | null
          hidden_reason: string | null
          id: string
          offering_id: string
          owner_blocked_at: string | null
          provider_id: string | null
          purchase_id: string | null
          rating: number
          responded_at: string | null
          response: string | null
          restored_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      join_chat_room: {
        Args: { room_id: string }
        Returns: {
          is_reading: boolean
          joined_at: string
          last_message_at: string | null
          last_read_at: string | null
          last_read_message_id: number | null
          last_seen_at: string | null
          muted_until: string | null
          notifications_enabled: boolean
          role: Database["public"]["Enums"]["chat_participant_role"]
          room_id: string
          unread_count: number
          user_id: string
        }
        SetofOptions: {
          from: "*"
          to: "chat_participants"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      lab_queue: {
        Args: { max_rows?: number }
        Returns: {
          analysis_started_at: string | null
          booking_id: string
          booking_item_id: string
          collected_at: string | null
          collected_by: string | null
          collection_notes: string | null
          collector_id: string | null
          created_at: string
          offering_id: string
          owner_id: string
          pet_id: string | null
          received_at: string | null
          received_by: string | null
          recollection_needed: boolean | null
          rejected_at: string | null
          rejected_by: string | null
          rejection_reason: string | null
          released_at: string | null
          released_by: string | null
          reported_at: string | null
          reported_by: string | null
          sample_condition: string | null
          scheduled_at: string
          status: Database["public"]["Enums"]["lab_sample_status"]
          tube_count: number | null
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "lab_samples"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      lift_email_suppression: { Args: { address: string }; Returns: boolean }
      list_deletions: {
        Args: { max_rows?: number; of_table?: string; only_open?: boolean }
        Returns: {
          deleted_at: string
          deleted_by: string
          deleted_by_role: string
          id: string
          purged_at: string
          reason: string
          restored_at: string
          restored_by: string
          root_id: string
          root_table: string
          row_counts: Json
        }[]
      }
      list_email_suppressions: {
        Args: Record<PropertyKey, never>
        Returns: {
          address: string
          created_at: string
          reason: string
        }[]
      }
      list_notification_preferences: {
        Args: Record<PropertyKey, never>
        Returns: {
          category: string
          channel: Database["public"]["Enums"]["notification_channel"]
          critical: boolean
          description: string
          enabled: boolean
          is_default: boolean
          locked: boolean
        }[]
      }
      mark_chat_read: {
        Args: { room_id: string }
        Returns: {
          is_reading: boolean
          joined_at: string
          last_message_at: string | null
          last_read_at: string | null
          last_read_message_id: number | null
          last_seen_at: string | null
          muted_until: string | null
          notifications_enabled: boolean
          role: Database["public"]["Enums"]["chat_participant_role"]
          room_id: string
          unread_count: number
          user_id: string
        }
        SetofOptions: {
          from: "*"
          to: "chat_participants"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      mark_notifications_read: {
        Args: { notification_ids?: string[] }
        Returns: number
      }
      match_coaches: { Args: { top?: number }; Returns: Json }
      move_lab_batch: {
        Args: {
          batch_id: string
          to_status: Database["public"]["Enums"]["lab_batch_status"]
        }
        Returns: {
          code: string
          created_at: string
          created_by: string | null
          done_at: string | null
          id: string
          instrument: string | null
          offering_id: string
          started_at: string | null
          status: Database["public"]["Enums"]["lab_batch_status"]
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "lab_batches"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      my_chat_rooms: {
        Args: { before?: string; max_rows?: number }
        Returns: {
          bidder_id: string
          booking_id: string
          job_id: string
          last_message_at: string
          last_read_at: string
          muted_until: string
          notifications_enabled: boolean
          role: Database["public"]["Enums"]["chat_participant_role"]
          room_id: string
          unread_count: number
        }[]
      }
      my_chat_unread_total: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      my_matched_clients: {
        Args: Record<PropertyKey, never>
        Returns: {
          client_id: string
          computed_at: string
          display_name: string
          rank: number
          score: number
        }[]
      }
      my_sales: {
        Args: { before?: string; max_rows?: number }
        Returns: {
          activated_at: string | null
          amount: number
          buyer_id: string
          created_at: string
          currency: string
          download_count: number
          downloads_day: string | null
          downloads_that_day: number
          id: string
          invoice_id: string
          last_download_at: string | null
          offering_id: string
          rejected_at: string | null
          revoked_at: string | null
          seller_id: string | null
          status: Database["public"]["Enums"]["purchase_status"]
          status_reason: string | null
          title: string
          updated_at: string
          version: number
        }[]
        SetofOptions: {
          from: "*"
          to: "purchases"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      password_verification_attempt_hook: {
        Args: { event: Json }
        Returns: Json
      }
      paypal_order_payment: {
        Args: { order_id: string }
        Returns: {
          amount: number
          currency: string
          invoice_id: string
          payment_id: string
          status: Database["public"]["Enums"]["payment_status"]
        }[]
      }
      purchase_products: {
        Args: { coupon_code?: string; offering_ids: string[] }
        Returns: Json
      }
      quote_booking: {
        Args: {
          addons?: Json
          address_id?: string
          coupon_code?: string
          items: Json
          package_id?: string
        }
        Returns: Json
      }
      register_push_token: {
        Args: { platform: string; token: string }
        Returns: string
      }
      request_download: { Args: { file_id: string }; Returns: Json }
      request_refund: {
        Args: { amount?: number; invoice_id: string; reason?: string }
        Returns: {
          amount: number
          attempts: number
          booking_id: string | null
          claimed_until: string | null
          client_id: string
          created_at: string
          currency: string
          failure_reason: string | null
          id: string
          invoice_id: string
          kind: Database["public"]["Enums"]["refund_kind"]
          last_error: string | null
          last_event_at: string | null
          payment_id: string
          paypal_refund_id: string | null
          provider_id: string | null
          reason: string | null
          refund_application_fee: boolean
          requested_by: string | null
          reverse_transfer: boolean
          status: Database["public"]["Enums"]["refund_status"]
          stripe_refund_id: string | null
          succeeded_at: string | null
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "refunds"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      requeue_notification_event: {
        Args: { outbox_id: number }
        Returns: string
      }
      restore_deletion: { Args: { deletion_id: string }; Returns: Json }
      retry_notification_delivery: {
        Args: { delivery_id: string }
        Returns: {
          attempts: number
          channel: Database["public"]["Enums"]["notification_channel"]
          claimed_by: string | null
          created_at: string
          destination: string
          digest: boolean
          id: string
          last_error: string | null
          lease_expires_at: string | null
          locale: string
          max_attempts: number
          next_attempt_at: string
          outbox_id: number
          priority: number
          provider: string | null
          provider_message_id: string | null
          push_token_id: string | null
          sent_at: string | null
          status: Database["public"]["Enums"]["notification_delivery_status"]
          updated_at: string
          user_id: string
        }
        SetofOptions: {
          from: "*"
          to: "notification_deliveries"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      review_chat_message_report: {
        Args: {
          action_taken?: Database["public"]["Enums"]["chat_report_action"]
          admin_notes?: string
          report_id: string
          status: Database["public"]["Enums"]["chat_report_status"]
        }
        Returns: {
          action_taken: Database["public"]["Enums"]["chat_report_action"] | null
          admin_notes: string | null
          created_at: string
          description: string | null
          evidence: string | null
          id: string
          message_id: number
          reason: Database["public"]["Enums"]["chat_report_reason"]
          reporter_id: string
          resolved_at: string | null
          resolved_by: string | null
          status: Database["public"]["Enums"]["chat_report_status"]
        }
        SetofOptions: {
          from: "*"
          to: "chat_message_reports"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      review_job_dispute: {
        Args: {
          admin_notes?: string
          dispute_id: string
          outcome?: Database["public"]["Enums"]["job_dispute_outcome"]
          refund_amount?: number
          resolution?: string
          status: Database["public"]["Enums"]["job_dispute_status"]
        }
        Returns: {
          admin_notes: string | null
          created_at: string
          description: string
          id: string
          invoice_id: string | null
          job_id: string
          kind: Database["public"]["Enums"]["job_dispute_kind"]
          opened_by: string
          outcome: Database["public"]["Enums"]["job_dispute_outcome"] | null
          refund_amount: number | null
          resolution: string | null
          resolved_at: string | null
          resolved_by: string | null
          respondent_id: string
          status: Database["public"]["Enums"]["job_dispute_status"]
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "job_disputes"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      review_manual_payment: {
        Args: { approve: boolean; note?: string; payment_id: string }
        Returns: {
          amount: number
          amount_refunded: number
          application_fee: number
          applied: boolean
          booking_id: string | null
          charge_amount_refunded: number
          charge_refunded_at: string | null
          checkout_expire_requested_at: string | null
          checkout_expires_at: string | null
          checkout_url: string | null
          client_id: string
          created_at: string
          currency: string
          destination_account: string | null
          failure_message: string | null
          id: string
          invoice_id: string
          last_event_at: string | null
          last_event_rank: number | null
          method: Database["public"]["Enums"]["payment_method"]
          paypal_capture_id: string | null
          paypal_order_id: string | null
          provider_id: string | null
          reference: string | null
          review_note: string | null
          reviewed_at: string | null
          reviewed_by: string | null
          saved_payment_method_id: string | null
          status: Database["public"]["Enums"]["payment_status"]
          stripe_charge_id: string | null
          stripe_checkout_session_id: string | null
          stripe_payment_intent_id: string | null
          succeeded_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "payments"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      review_purchase: {
        Args: { body?: string; purchase_id: string; rating: number }
        Returns: {
          author_id: string
          body: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          hidden_by: string | null
          hidden_reason: string | null
          id: string
          offering_id: string
          owner_blocked_at: string | null
          provider_id: string | null
          purchase_id: string | null
          rating: number
          responded_at: string | null
          response: string | null
          restored_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      search_offerings: {
        Args: {
          category_id?: string
          currency?: string
          kind?: Database["public"]["Enums"]["offering_kind"]
          max_price?: number
          min_price?: number
          min_rating?: number
          query?: string
          result_limit?: number
          result_offset?: number
        }
        Returns: {
          category_id: string
          created_at: string
          currency: string
          description: string | null
          duration_minutes: number
          features: string[]
          free_cancellation_hours: number
          id: string
          kind: Database["public"]["Enums"]["offering_kind"]
          late_cancellation_fee_share: number
          location: Database["public"]["Enums"]["offering_location"]
          owner_blocked_at: string | null
          price: number
          provider_id: string | null
          rating: number
          rating_count: number
          rating_sum: number
          scheduled_on: Database["public"]["Enums"]["schedule_owner"]
          search: unknown
          status: Database["public"]["Enums"]["offering_status"]
          title: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "offerings"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      search_posts: {
        Args: { max_rows?: number; query: string }
        Returns: {
          author_id: string
          body: string
          comment_count: number
          cover_path: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          id: string
          is_private: boolean
          kind: Database["public"]["Enums"]["post_kind"]
          owner_blocked_at: string | null
          published_at: string | null
          reaction_count: number
          restored_at: string | null
          search: unknown
          slug: string | null
          status: Database["public"]["Enums"]["post_status"]
          tags: string[]
          title: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "posts"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      send_announcement: {
        Args: {
          action_url?: string
          body: string
          severity?: Database["public"]["Enums"]["notification_severity"]
          title: string
          topic: string
        }
        Returns: number
      }
      send_chat_template: {
        Args: {
          reply_to_id?: number
          room_id: string
          template_id: string
          variables?: Json
        }
        Returns: {
          attachment_name: string | null
          attachment_path: string | null
          attachment_size: number | null
          attachment_type: string | null
          body: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          edited_at: string | null
          id: number
          is_deleted: boolean
          is_edited: boolean
          kind: Database["public"]["Enums"]["chat_message_kind"]
          reply_to_id: number | null
          restored_at: string | null
          room_id: string
          sender_id: string | null
          system_event: string | null
          template_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "chat_messages"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_default_language: {
        Args: { language_code: string }
        Returns: {
          code: string
          created_at: string
          currency_code: string | null
          english_name: string
          flag_emoji: string | null
          is_active: boolean
          is_default: boolean
          is_rtl: boolean
          locale: string
          native_name: string
          sort_order: number
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "languages"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_notification_preference: {
        Args: {
          category: string
          channel: Database["public"]["Enums"]["notification_channel"]
          enabled: boolean
        }
        Returns: boolean
      }
      set_notification_settings: {
        Args: {
          clear_quiet_hours?: boolean
          digest_enabled?: boolean
          digest_hour?: number
          quiet_hours_end?: string
          quiet_hours_start?: string
          timezone?: string
        }
        Returns: {
          created_at: string
          digest_enabled: boolean
          digest_hour: number
          quiet_hours_end: string | null
          quiet_hours_start: string | null
          timezone: string
          updated_at: string
          user_id: string
        }
        SetofOptions: {
          from: "*"
          to: "notification_settings"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_provider_requirement: {
        Args: {
          expires_at?: string
          note?: string
          provider_id: string
          reference?: string
          requirement: Database["public"]["Enums"]["provider_requirement"]
          verified: boolean
        }
        Returns: {
          created_at: string
          expires_at: string | null
          id: string
          note: string | null
          provider_id: string
          reference: string | null
          requirement: Database["public"]["Enums"]["provider_requirement"]
          revoked_at: string | null
          revoked_by: string | null
          status: Database["public"]["Enums"]["provider_verification_status"]
          updated_at: string
          verified_at: string | null
          verified_by: string | null
        }
        SetofOptions: {
          from: "*"
          to: "provider_verifications"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_provider_verification: {
        Args: { provider_id: string; verified: boolean }
        Returns: {
          bio: string | null
          completed_sessions: number
          countries: string[]
          created_at: string
          currency: string
          expertise: string[]
          headline: string | null
          hourly_rate: number | null
          intro_video_path: string | null
          intro_video_url: string | null
          is_verified: boolean
          kind: Database["public"]["Enums"]["provider_kind"]
          languages: string[]
          owner_blocked_at: string | null
          photo_path: string | null
          rating: number
          rating_count: number
          rating_sum: number
          updated_at: string
          user_id: string
          verified_at: string | null
          verified_by: string | null
        }
        SetofOptions: {
          from: "*"
          to: "provider_profiles"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      soft_delete_account: {
        Args: { reason?: string; user_id?: string }
        Returns: Json
      }
      transition_booking: {
        Args: {
          booking_id: string
          reason?: string
          to_status: Database["public"]["Enums"]["booking_status"]
        }
        Returns: {
          address_id: string | null
          blocked_during: unknown
          cancellation_fee: number | null
          cancelled_at: string | null
          client_id: string
          collector_id: string | null
          created_at: string
          currency: string
          distance_km: number | null
          ends_at: string
          free_cancellation_hours: number
          hold_expires_at: string | null
          id: string
          job_id: string | null
          late_cancellation_fee_share: number
          notes: string | null
          offering_id: string
          pet_id: string | null
          provider_id: string | null
          scheduled_on: Database["public"]["Enums"]["schedule_owner"]
          starts_at: string
          status: Database["public"]["Enums"]["booking_status"]
          total_amount: number
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "bookings"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      transition_job: {
        Args: {
          job_id: string
          reason?: string
          to_status: Database["public"]["Enums"]["job_status"]
        }
        Returns: {
          address_id: string | null
          assigned_at: string | null
          bid_count: number
          budget_max: number | null
          budget_min: number | null
          cancelled_at: string | null
          category_id: string
          city: string | null
          client_id: string
          completed_at: string | null
          country_code: string | null
          created_at: string
          currency: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          description: string
          expires_at: string | null
          final_price: number | null
          id: string
          is_featured: boolean
          owner_blocked_at: string | null
          postal_code: string | null
          provider_id: string | null
          published_at: string | null
          region: string | null
          restored_at: string | null
          service_date: string
          service_starts_at: string
          service_time: string | null
          special_requirements: string | null
          started_at: string | null
          status: Database["public"]["Enums"]["job_status"]
          timezone: string
          title: string
          updated_at: string
          urgency: Database["public"]["Enums"]["job_urgency"]
        }
        SetofOptions: {
          from: "*"
          to: "jobs"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      transition_lab_sample: {
        Args: {
          booking_item_id: string
          note?: string
          recollection_needed?: boolean
          sample_condition?: string
          to_status: Database["public"]["Enums"]["lab_sample_status"]
          tube_count?: number
        }
        Returns: {
          analysis_started_at: string | null
          booking_id: string
          booking_item_id: string
          collected_at: string | null
          collected_by: string | null
          collection_notes: string | null
          collector_id: string | null
          created_at: string
          offering_id: string
          owner_id: string
          pet_id: string | null
          received_at: string | null
          received_by: string | null
          recollection_needed: boolean | null
          rejected_at: string | null
          rejected_by: string | null
          rejection_reason: string | null
          released_at: string | null
          released_by: string | null
          reported_at: string | null
          reported_by: string | null
          sample_condition: string | null
          scheduled_at: string
          status: Database["public"]["Enums"]["lab_sample_status"]
          tube_count: number | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "lab_samples"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      unblock_user: { Args: { user_id: string }; Returns: boolean }
      unlock_user: { Args: { user_id: string }; Returns: undefined }
      unregister_push_token: { Args: { token: string }; Returns: boolean }
      update_setting: {
        Args: { new_value: Json; setting_key: string }
        Returns: {
          allowed_values: Json | null
          category: string | null
          description: string | null
          is_nullable: boolean | null
          is_public: boolean | null
          key: string | null
          max_value: number | null
          min_value: number | null
          updated_at: string | null
          updated_by: string | null
          validation_regex: string | null
          value: Json | null
          value_type: string | null
        }
        SetofOptions: {
          from: "*"
          to: "system_settings"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      withdraw_bid: {
        Args: { bid_id: string; reason?: string }
        Returns: {
          accepted_at: string | null
          amount: number
          client_id: string
          created_at: string
          currency: string
          decision_reason: string | null
          deleted_at: string | null
          deleted_by_deletion: string | null
          description: string
          estimated_minutes: number
          id: string
          is_negotiable: boolean
          job_id: string
          offering_id: string | null
          proposed_start: string | null
          provider_id: string
          rejected_at: string | null
          restored_at: string | null
          revision: number
          status: Database["public"]["Enums"]["bid_status"]
          terms: string | null
          updated_at: string
          withdrawn_at: string | null
        }
        SetofOptions: {
          from: "*"
          to: "bids"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      write_review: {
        Args: { body?: string; booking_id: string; rating: number }
        Returns: {
          author_id: string
          body: string | null
          booking_id: string | null
          created_at: string
          deleted_at: string | null
          deleted_by_deletion: string | null
          hidden_at: string | null
          hidden_by: string | null
          hidden_reason: string | null
          id: string
          offering_id: string
          owner_blocked_at: string | null
          provider_id: string | null
          purchase_id: string | null
          rating: number
          responded_at: string | null
          response: string | null
          restored_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
    }
    Enums: {
      addon_price_type: "fixed" | "per_unit" | "per_hour"
      app_platform: "ios" | "android" | "web"
      app_role: "admin" | "staff" | "provider" | "client"
      bid_status: "pending" | "accepted" | "rejected" | "withdrawn"
      booking_status:
        | "held"
        | "confirmed"
        | "in_progress"
        | "completed"
        | "cancelled"
        | "no_show"
        | "expired"
      chat_message_kind: "text" | "attachment" | "system"
      chat_participant_role: "client" | "provider" | "collector" | "admin"
      chat_report_action: "none" | "warned" | "message_removed"
      chat_report_reason:
        | "spam"
        | "harassment"
        | "inappropriate"
        | "scam"
        | "other"
      chat_report_status: "open" | "under_review" | "resolved" | "dismissed"
      contact_status: "new" | "in_progress" | "resolved" | "spam"
      document_kind:
        | "prescription"
        | "intake_form"
        | "photo"
        | "report"
        | "other"
      geocode_status: "pending" | "located" | "not_found" | "failed"
      invoice_line_kind:
        | "item"
        | "addon"
        | "package_discount"
        | "discount"
        | "travel_fee"
        | "tax"
      invoice_status:
        | "open"
        | "paid"
        | "void"
        | "refunded"
        | "partially_refunded"
      job_dispute_kind:
        | "quality"
        | "no_show"
        | "damage"
        | "pricing"
        | "payment"
        | "other"
      job_dispute_outcome: "full_refund" | "partial_refund" | "no_refund"
      job_dispute_status: "open" | "under_review" | "resolved" | "rejected"
      job_file_kind: "photo" | "attachment"
      job_status:
        | "draft"
        | "published"
        | "assigned"
        | "in_progress"
        | "completed"
        | "cancelled"
        | "expired"
      job_urgency: "flexible" | "normal" | "urgent" | "emergency"
      lab_batch_status: "open" | "running" | "done"
      lab_flag: "low" | "normal" | "high" | "critical"
      lab_report_status: "draft" | "released" | "superseded" | "withdrawn"
      lab_sample_status:
        | "booked"
        | "collected"
        | "received"
        | "in_analysis"
        | "reported"
        | "released"
        | "rejected"
        | "cancelled"
      ledger_entry_kind: "earning" | "refund" | "dispute" | "payout"
      match_attribute:
        | "style"
        | "languages"
        | "countries"
        | "expertise"
        | "rating"
        | "sessions"
      match_scoring: "closeness" | "overlap" | "level"
      media_kind: "image" | "video" | "document"
      notification_channel: "in_app" | "email" | "sms" | "push"
      notification_delivery_status:
        | "queued"
        | "sending"
        | "sent"
        | "delivered"
        | "failed"
        | "dead"
        | "cancelled"
        | "skipped"
        | "digested"
      notification_severity: "info" | "success" | "warning" | "error"
      offering_kind:
        | "service"
        | "session"
        | "home_service"
        | "lab_test"
        | "digital"
      offering_location: "online" | "provider_site" | "client_site"
      offering_status: "draft" | "active" | "expired" | "archived"
      payment_method: "stripe" | "paypal" | "bank_transfer" | "qr" | "cash"
      payment_status:
        | "pending"
        | "processing"
        | "succeeded"
        | "failed"
        | "cancelled"
      pet_species: "dog" | "cat" | "rabbit" | "bird" | "reptile" | "other"
      post_kind: "article" | "discussion" | "question" | "announcement"
      post_status: "draft" | "published" | "archived"
      provider_kind: "consultant" | "coach" | "service_provider" | "lab"
      provider_requirement: "license" | "insurance" | "background_check"
      provider_verification_status: "verified" | "revoked"
      purchase_status: "pending" | "active" | "rejected" | "revoked"
      redemption_status: "reserved" | "redeemed" | "released"
      refund_kind:
        | "admin"
        | "cancellation"
        | "duplicate"
        | "unfulfillable"
        | "external"
      refund_status:
        | "requested"
        | "pending"
        | "requires_action"
        | "succeeded"
        | "failed"
        | "canceled"
      resource_kind: "article" | "video" | "document"
      schedule_owner: "provider" | "collector"
      staff_role: "collector" | "lab_tech" | "analyst" | "support"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  graphql_public: {
    Enums: {},
  },
  public: {
    Enums: {
      addon_price_type: ["fixed", "per_unit", "per_hour"],
      app_platform: ["ios", "android", "web"],
      app_role: ["admin", "staff", "provider", "client"],
      bid_status: ["pending", "accepted", "rejected", "withdrawn"],
      booking_status: [
        "held",
        "confirmed",
        "in_progress",
        "completed",
        "cancelled",
        "no_show",
        "expired",
      ],
      chat_message_kind: ["text", "attachment", "system"],
      chat_participant_role: ["client", "provider", "collector", "admin"],
      chat_report_action: ["none", "warned", "message_removed"],
      chat_report_reason: [
        "spam",
        "harassment",
        "inappropriate",
        "scam",
        "other",
      ],
      chat_report_status: ["open", "under_review", "resolved", "dismissed"],
      contact_status: ["new", "in_progress", "resolved", "spam"],
      document_kind: [
        "prescription",
        "intake_form",
        "photo",
        "report",
        "other",
      ],
      geocode_status: ["pending", "located", "not_found", "failed"],
      invoice_line_kind: [
        "item",
        "addon",
        "package_discount",
        "discount",
        "travel_fee",
        "tax",
      ],
      invoice_status: [
        "open",
        "paid",
        "void",
        "refunded",
        "partially_refunded",
      ],
      job_dispute_kind: [
        "quality",
        "no_show",
        "damage",
        "pricing",
        "payment",
        "other",
      ],
      job_dispute_outcome: ["full_refund", "partial_refund", "no_refund"],
      job_dispute_status: ["open", "under_review", "resolved", "rejected"],
      job_file_kind: ["photo", "attachment"],
      job_status: [
        "draft",
        "published",
        "assigned",
        "in_progress",
        "completed",
        "cancelled",
        "expired",
      ],
      job_urgency: ["flexible", "normal", "urgent", "emergency"],
      lab_batch_status: ["open", "running", "done"],
      lab_flag: ["low", "normal", "high", "critical"],
      lab_report_status: ["draft", "released", "superseded", "withdrawn"],
      lab_sample_status: [
        "booked",
        "collected",
        "received",
        "in_analysis",
        "reported",
        "released",
        "rejected",
        "cancelled",
      ],
      ledger_entry_kind: ["earning", "refund", "dispute", "payout"],
      match_attribute: [
        "style",
        "languages",
        "countries",
        "expertise",
        "rating",
        "sessions",
      ],
      match_scoring: ["closeness", "overlap", "level"],
      media_kind: ["image", "video", "document"],
      notification_channel: ["in_app", "email", "sms", "push"],
      notification_delivery_status: [
        "queued",
        "sending",
        "sent",
        "delivered",
        "failed",
        "dead",
        "cancelled",
        "skipped",
        "digested",
      ],
      notification_severity: ["info", "success", "warning", "error"],
      offering_kind: [
        "service",
        "session",
        "home_service",
        "lab_test",
        "digital",
      ],
      offering_location: ["online", "provider_site", "client_site"],
      offering_status: ["draft", "active", "expired", "archived"],
      payment_method: ["stripe", "paypal", "bank_transfer", "qr", "cash"],
      payment_status: [
        "pending",
        "processing",
        "succeeded",
        "failed",
        "cancelled",
      ],
      pet_species: ["dog", "cat", "rabbit", "bird", "reptile", "other"],
      post_kind: ["article", "discussion", "question", "announcement"],
      post_status: ["draft", "published", "archived"],
      provider_kind: ["consultant", "coach", "service_provider", "lab"],
      provider_requirement: ["license", "insurance", "background_check"],
      provider_verification_status: ["verified", "revoked"],
      purchase_status: ["pending", "active", "rejected", "revoked"],
      redemption_status: ["reserved", "redeemed", "released"],
      refund_kind: [
        "admin",
        "cancellation",
        "duplicate",
        "unfulfillable",
        "external",
      ],
      refund_status: [
        "requested",
        "pending",
        "requires_action",
        "succeeded",
        "failed",
        "canceled",
      ],
      resource_kind: ["article", "video", "document"],
      schedule_owner: ["provider", "collector"],
      staff_role: ["collector", "lab_tech", "analyst", "support"],
    },
  },
} as const

